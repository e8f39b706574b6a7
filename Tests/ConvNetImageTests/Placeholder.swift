// Tests for ConvNetImage are added beside this file.
