"""resnet18 eager against its torch.fx symbolic trace (the same ops)."""
import torch, torch.fx
from torchvision.models import resnet18
SIZES = (32,)
torch.set_num_threads(1)
def inputs(size):
    torch.manual_seed(0)
    m = resnet18(num_classes=10).eval()
    return {"model": m, "traced": torch.fx.symbolic_trace(m), "x": torch.randn(2, 3, size, size)}
def baseline(model, traced, x):
    with torch.no_grad():
        return model(x)
def optimized(model, traced, x):
    with torch.no_grad():
        return traced(x)
