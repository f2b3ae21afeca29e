"""resnet18 with batch norm against the same network with each batch norm folded into its convolution."""
import torch
from torch.fx.experimental.optimization import fuse
from torchvision.models import resnet18
SIZES = (32,)
STATIC = ("model",)
torch.set_num_threads(1)
def inputs(size):
    torch.manual_seed(0)
    m = resnet18(num_classes=10).eval()
    for mod in m.modules():           # non-trivial statistics, so folding changes the weights
        if isinstance(mod, torch.nn.BatchNorm2d):
            mod.running_mean.uniform_(-0.5, 0.5); mod.running_var.uniform_(0.5, 2.0)
    return {"model": m, "x": torch.randn(2, 3, size, size)}
def prepare(model):
    return {"model": fuse(model)}
def baseline(model, x):
    with torch.no_grad():
        return model(x)
def optimized(model, x):
    with torch.no_grad():
        return model(x)
