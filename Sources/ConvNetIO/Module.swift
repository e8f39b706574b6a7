// ConvNetIO: see docs/ARCHITECTURE.md for what this module holds.
