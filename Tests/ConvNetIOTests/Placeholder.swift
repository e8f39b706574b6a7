// Tests for ConvNetIO are added beside this file.
