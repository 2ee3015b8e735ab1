"""Exports a small detection post-processing graph with torch.onnx.export (opset 11) and PyTorch's outputs for it,
the independent reference of TorchDetectionTests: decode boxes from anchors and offsets, score by sigmoid, then
torchvision.ops.nms (exported as NonMaxSuppression), and gather the kept boxes and scores by the kept indices.

Writes nms.onnx, nms.boxes.npy, nms.logits.npy and nms.keep.npy, nms.kept_boxes.npy, nms.kept_scores.npy into the
folder given as the only argument. Run with Debian's python3-torch and python3-torchvision:
/usr/bin/python3 export_torch_nms.py OUT_DIR"""
import os
import sys

import numpy as np
import torch
import torchvision

BOXES, IOU = 64, 0.45


class PostProcess(torch.nn.Module):
    def forward(self, anchors, offsets, logits):
        boxes = torch.cat([anchors[:, :2] + offsets[:, :2], anchors[:, 2:] + offsets[:, 2:]], dim=1)
        scores = torch.sigmoid(logits)
        keep = torchvision.ops.nms(boxes, scores, IOU)
        return keep, boxes[keep], scores[keep]


def main(out):
    os.makedirs(out, exist_ok=True)
    generator = torch.Generator().manual_seed(7)
    corners = torch.rand(BOXES, 2, generator=generator) * 40
    anchors = torch.cat([corners, corners + 8 + torch.rand(BOXES, 2, generator=generator) * 8], dim=1)
    offsets = torch.randn(BOXES, 4, generator=generator)
    logits = torch.randn(BOXES, generator=generator) * 2
    model = PostProcess().eval()
    torch.onnx.export(model, (anchors, offsets, logits), os.path.join(out, "nms.onnx"), opset_version=11,
                      input_names=["anchors", "offsets", "logits"], output_names=["keep", "kept_boxes", "kept_scores"])
    with torch.no_grad():
        keep, kept_boxes, kept_scores = model(anchors, offsets, logits)
    for name, tensor in (("anchors", anchors), ("offsets", offsets), ("logits", logits), ("keep", keep),
                         ("kept_boxes", kept_boxes), ("kept_scores", kept_scores)):
        np.save(os.path.join(out, f"nms.{name}.npy"), tensor.numpy())


if __name__ == "__main__":
    main(sys.argv[1])
