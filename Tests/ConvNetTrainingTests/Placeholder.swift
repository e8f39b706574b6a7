// Tests for ConvNetTraining are added beside this file.
