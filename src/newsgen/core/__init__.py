"""Pure values and functions: no disk, no clock, no environment (DESIGN.md, "Packages")."""
