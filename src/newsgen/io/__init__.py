"""Everything that touches the disk or runs a tool."""
