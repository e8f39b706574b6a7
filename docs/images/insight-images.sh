#!/bin/sh
# Makes the README's "See inside" pictures: LeNet-5 trained for one epoch on the bundled MNIST,
# its first layer's feature maps for test digit 0 (a 7), and a Grad-CAM of that digit.
# Run from the repository root: sh docs/images/insight-images.sh
set -e
swift run -c release convnet train --epochs 1 --save /tmp/l.safetensors
python3 docs/images/mnist_digit.py 0 docs/images/mnist-test-0.png
swift run -c release convnet visualize features --weights /tmp/l.safetensors \
  --image docs/images/mnist-test-0.png --layers features.0 --out /tmp/lenet5-maps
cp /tmp/lenet5-maps/01-features.0.png docs/images/lenet5-features.png
swift run -c release convnet visualize cam --weights /tmp/l.safetensors \
  --image docs/images/mnist-test-0.png --out docs/images/lenet5-gradcam.png
