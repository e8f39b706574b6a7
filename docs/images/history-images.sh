#!/bin/sh
# Makes the README's training pictures: LeNet-5 trained for 3 epochs on the bundled MNIST
# (seed 1, the defaults), its loss/accuracy curves, and the test set's confusion matrix and most
# confident mistakes. Run from the repository root: sh docs/images/history-images.sh
set -e
swift run -c release convnet train --epochs 3 --save /tmp/lenet5-3.safetensors
swift run -c release convnet plot /tmp/lenet5-3.safetensors --out docs/images/curves.png
swift run -c release convnet eval --weights /tmp/lenet5-3.safetensors \
  --confusion-png docs/images/confusion.png --mistakes-png docs/images/mistakes.png --mistakes 16
