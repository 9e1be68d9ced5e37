"""Detectors in torchvision's style that tests and benchmarks build: a list of CHW images in,
one dict of ``boxes``, ``scores`` and ``labels`` per image out."""

from __future__ import annotations

import torch
from torch import nn


class TinyDetector(nn.Module):
    """Two convolutions, a box and a class per cell of a 4x-downsampled grid, a score
    threshold and the best ``detections_per_img`` boxes, like torchvision's heads."""

    def __init__(self, classes: int = 4, score_thresh: float = 0.05, detections_per_img: int = 20):
        super().__init__()
        self.score_thresh = score_thresh
        self.detections_per_img = detections_per_img
        self.features = nn.Sequential(
            nn.Conv2d(3, 8, 3, stride=2, padding=1),
            nn.ReLU(),
            nn.Conv2d(8, 16, 3, stride=2, padding=1),
            nn.ReLU(),
        )
        self.head = nn.Conv2d(16, 4 + classes + 1, 1)  # box offsets, background + classes

    def forward(self, images: list[torch.Tensor]) -> list[dict[str, torch.Tensor]]:
        batch = torch.stack(images)
        out = self.head(self.features(batch))
        n, _, h, w = out.shape
        out = out.flatten(2).transpose(1, 2)  # (n, cells, 4 + 1 + classes)
        ys = (torch.arange(h, dtype=torch.float32) + 0.5) * (batch.shape[-2] / h)
        xs = (torch.arange(w, dtype=torch.float32) + 0.5) * (batch.shape[-1] / w)
        cy, cx = torch.meshgrid(ys, xs, indexing="ij")
        centers = torch.stack([cx.flatten(), cy.flatten()], dim=1)  # (cells, 2)
        size = 8.0
        results: list[dict[str, torch.Tensor]] = []
        for i in range(n):
            offsets = torch.tanh(out[i, :, :4]) * size
            boxes = torch.cat(
                [centers - size + offsets[:, :2], centers + size + offsets[:, 2:]], dim=1
            )
            probs = torch.softmax(out[i, :, 4:], dim=1)[:, 1:]
            scores, labels = probs.max(dim=1)
            keep = scores > self.score_thresh
            boxes, scores, labels = boxes[keep], scores[keep], labels[keep] + 1
            top = torch.topk(scores, min(self.detections_per_img, int(scores.shape[0])))
            results.append(
                {"boxes": boxes[top.indices], "scores": top.values, "labels": labels[top.indices]}
            )
        return results


def tiny_detector(seed: int = 0) -> TinyDetector:
    torch.manual_seed(seed)
    return TinyDetector().eval()


def ssdlite(seed: int = 0) -> nn.Module:
    """torchvision's SSDlite with no weights, seeded, its BatchNorm statistics set on a few
    random images. Untrained statistics shrink the features to 1e-13 by the last block, so
    every score is 1/91 and every box an anchor: all detections tie, and there is nothing
    to compare. Set statistics keep the weights and give each image its own detections."""
    from torchvision.models.detection import ssdlite320_mobilenet_v3_large

    torch.manual_seed(seed)
    model = ssdlite320_mobilenet_v3_large(weights=None, weights_backbone=None).eval()
    norms = [m for m in model.modules() if isinstance(m, nn.BatchNorm2d)]
    for norm in norms:
        norm.reset_running_stats()
        norm.momentum = None  # a plain average over the passes
        norm.train()
    with torch.no_grad():
        for _ in range(2):
            model(list(torch.rand(4, 3, 320, 320)))
    for norm in norms:
        norm.eval()
    return model
