"""Summed-area table: box sums over an image, each summed pixel by pixel, against four lookups in a
summed-area table built once per image (in the call: the image is the dynamic input)."""
import random

CLAIM = "unexplained"        # filed beyond-the-four (algebraic restructuring), as measured
SIZES = (8, 16, 32)      # image side; as many rectangle queries as pixels / 4


def inputs(size):
    rng = random.Random(size)
    image = [[rng.uniform(0, 1) for _ in range(size)] for _ in range(size)]
    boxes = []
    for _ in range(size * size // 4):
        x0, x1 = sorted(rng.randrange(size) for _ in range(2))
        y0, y1 = sorted(rng.randrange(size) for _ in range(2))
        boxes.append((x0, y0, x1 + 1, y1 + 1))     # half-open: no index arithmetic in the versions
    return {"image": image, "boxes": boxes}


def baseline(image, boxes):
    out = []
    for x0, y0, x1, y1 in boxes:
        acc = None
        for row in image[y0:y1]:
            for v in row[x0:x1]:
                acc = v if acc is None else acc + v
        out.append(acc)
    return out


def build(image):
    h, w = len(image), len(image[0])
    s = [[0.0] * (w + 1) for _ in range(h + 1)]
    for y in range(h):
        row = image[y][0]
        s[y + 1][1] = row if y == 0 else s[y][1] + row
        for x in range(1, w):
            row = row + image[y][x]                      # running row sum
            s[y + 1][x + 1] = row if y == 0 else s[y][x + 1] + row
    return s


def optimized(image, boxes):
    s = build(image)
    return [s[y1][x1] - s[y0][x1] - s[y1][x0] + s[y0][x0] for x0, y0, x1, y1 in boxes]
