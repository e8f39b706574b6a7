// Tests for ConvNetNN are added beside this file.
