"""The engine that confronts theory with numerics: claims, certificates, comparisons, reports, the CLI."""
