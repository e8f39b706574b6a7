// Tests for ConvNetData are added beside this file.
