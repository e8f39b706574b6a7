// Tests for ConvNetModels are added beside this file.
