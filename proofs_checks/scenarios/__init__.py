"""The built-in scenarios: the project's motivating argument made runnable, one module per scenario (each with
``run`` and ``report``; each a ``sltv report SCENARIO`` subcommand).

| scenario | question | module |
| --- | --- | --- |
| ``gap`` | a small singular value s is invisible until n ~ 1/s² (exact, and Gibbs) | ``gap`` |
| ``dimension`` | a power-law spectrum at growing d: when does full-rank SLT set in? | ``dimension`` |
| ``lora`` | a d_in × r × d_out LoRA factorisation at a power-law or a user's spectrum against every truncated SLT prediction | ``lora``, ``lora_report`` |
| ``modular-addition`` | the quadratic network on modular addition: λ̂ extensive in the width? | ``modular_addition``, ``modular_addition_report`` |

Scenarios sit above the executor: their jobs are tasks (``proofs_checks.tasks``) registered by the model families
or by the scenario's own module. How to add one: docs/architecture.md.
"""
