// Tests for ConvNetAutograd are added beside this file.
