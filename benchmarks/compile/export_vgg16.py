"""torchvision VGG-16 (weights=None: seeded random weights, the same 138 M parameters and 528 MB of float32 as the
trained model) exported to ONNX for the compile-memory benchmark, which measures the compiler, not the answers.

    /usr/bin/python3 export_vgg16.py OUT.onnx
"""
import sys

import torch
import torchvision

torch.manual_seed(0)
model = torchvision.models.vgg16(weights=None).eval()
torch.onnx.export(model, torch.randn(1, 3, 224, 224), sys.argv[1], input_names=["input"], output_names=["output"],
                  opset_version=13)
