"""Everything that touches the disk or runs a tool (DESIGN.md, "Packages")."""
