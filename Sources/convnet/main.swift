import ConvNet
print("convnet")
