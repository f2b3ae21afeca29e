"""resnet18 features: the full network run and its classifier's output dropped, against the network without its classifier."""
import torch
from torch import nn
from torchvision.models import resnet18
SIZES = (32,)
torch.set_num_threads(1)
def inputs(size):
    torch.manual_seed(0)
    return {"model": resnet18(num_classes=1000).eval(), "x": torch.randn(2, 3, size, size)}
def baseline(model, x):
    seen = {}
    hook = model.avgpool.register_forward_hook(lambda m, i, o: seen.setdefault("f", o))
    with torch.no_grad():
        model(x)
    hook.remove()
    return torch.flatten(seen["f"], 1)
def optimized(model, x):
    body = nn.Sequential(*list(model.children())[:-1])
    with torch.no_grad():
        return torch.flatten(body(x), 1)
