"""Chapter 10's pictures: a convolution's output size and receptive field, and a 3×3 kernel on a digit."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
import torch
from matplotlib.patches import Rectangle
from matplotlib.figure import Figure

from .. import conv
from .._validation import as_choice, as_count, as_float_tensor, refuse_meta
from . import PALETTE, Explorer, Reading, within

__all__ = ["KERNELS", "draw_convolution", "convolution_explorer", "draw_kernel", "kernel_explorer"]

#: Classic 3×3 kernels, by name.
KERNELS: dict[str, tuple[tuple[float, ...], ...]] = {
    "identity": ((0, 0, 0), (0, 1, 0), (0, 0, 0)),
    "box blur": ((1 / 9,) * 3,) * 3,
    "sharpen": ((0, -1, 0), (-1, 5, -1), (0, -1, 0)),
    "vertical edges (Sobel)": ((-1, 0, 1), (-2, 0, 2), (-1, 0, 1)),
    "horizontal edges (Sobel)": ((-1, -2, -1), (0, 0, 0), (1, 2, 1)),
    "Laplacian": ((0, 1, 0), (1, -4, 1), (0, 1, 0)),
}


def _square_image(image, name: str = "image") -> torch.Tensor:
    image = as_float_tensor(image, name)
    if image.ndim == 1 and round(image.numel() ** 0.5) ** 2 == image.numel() and image.numel() > 0:
        side = round(image.numel() ** 0.5)
        image = image.reshape(side, side)
    if image.ndim != 2 or 0 in image.shape:
        raise ValueError(f"{name} must be a 2-D image (or a flattened square one), got shape {tuple(image.shape)}")
    return image.detach().double().cpu()


def draw_convolution(figure: Figure, image: torch.Tensor, kernel_size: int, stride: int, padding: int, dilation: int,
                     layers: int = 1) -> Reading:
    """``layers`` identical convolutions (kernel, stride, padding, dilation) applied to ``image``:
    on the left the input, its zero padding in grey, and the receptive field of the output's
    centre pixel (the rectangle; the shading is the gradient of that pixel, how many paths
    lead to each input); on the right the output map, computed with averaging kernels."""
    image = _square_image(image)
    kernel_size, stride = as_count(kernel_size, "kernel_size", minimum=1), as_count(stride, "stride", minimum=1)
    padding, dilation = as_count(padding, "padding"), as_count(dilation, "dilation", minimum=1)
    layers = as_count(layers, "layers", minimum=1, maximum=5)
    field = conv.receptive_field([(kernel_size, stride, dilation)] * layers)
    offset = padding * sum(stride**level for level in range(layers))  # where the first window starts, in input pixels
    input_ax, output_ax = figure.subplots(1, 2)
    height, width = image.shape
    input_ax.add_patch(Rectangle((-offset - 0.5, -offset - 0.5), width + 2 * offset, height + 2 * offset,
                                 color=PALETTE["grey"], alpha=0.35, lw=0))
    input_ax.imshow(image.numpy(), cmap="gray_r", extent=(-0.5, width - 0.5, height - 0.5, -0.5))
    input_ax.set(xlim=(-offset - 1, width + offset), ylim=(height + offset, -offset - 1),
                 title=f"input {height}×{width}, padding {padding} (grey)")
    x = image[None, None].clone().requires_grad_(True)
    out = x
    try:
        for _ in range(layers):
            box = torch.full((1, 1, kernel_size, kernel_size), 1.0 / kernel_size**2, dtype=torch.float64)
            out = conv.conv2d(out, box, stride=stride, padding=padding, dilation=dilation)
    except ValueError:
        output_ax.axis("off")
        output_ax.text(0.5, 0.5, "the kernel does not fit", ha="center", va="center", transform=output_ax.transAxes)
        return Reading(f"kernel {kernel_size}, dilation {dilation}: it spans {dilation * (kernel_size - 1) + 1} pixels, "
                       f"more than the padded input offers — <b>no output</b>", output_size=None,
                       receptive_field=field.size, jump=field.jump)
    rows, cols = out.shape[-2:]
    centre = (rows // 2, cols // 2)
    (grad,) = torch.autograd.grad(out[0, 0, centre[0], centre[1]], x)
    paths = np.ma.masked_equal(grad[0, 0].numpy(), 0)
    input_ax.imshow(paths, cmap="Oranges", alpha=0.6, extent=(-0.5, width - 0.5, height - 0.5, -0.5))
    top, left = centre[0] * field.jump - offset, centre[1] * field.jump - offset
    input_ax.add_patch(Rectangle((left - 0.5, top - 0.5), field.size, field.size, fill=False, lw=2, color=PALETTE["vermillion"]))
    output_ax.imshow(out.detach()[0, 0].numpy(), cmap="gray_r")
    output_ax.add_patch(Rectangle((centre[1] - 0.5, centre[0] - 0.5), 1, 1, fill=False, lw=2, color=PALETTE["vermillion"]))
    output_ax.set_title(f"output {rows}×{cols} after {layers} layer{'s' * (layers > 1)}")
    for ax in (input_ax, output_ax):
        ax.axis("off")
    formula = f"⌊({height} + 2·{padding} − {dilation}·({kernel_size} − 1) − 1) / {stride}⌋ + 1"
    return Reading(f"first layer: {formula} = {conv.conv_output_size(height, kernel_size, stride, padding, dilation)} &nbsp;·&nbsp; "
                   f"output <b>{rows}×{cols}</b> &nbsp;·&nbsp; receptive field <b>{field.size}×{field.size}</b>, "
                   f"neighbouring outputs {field.jump} pixel{'s' * (field.jump > 1)} apart",
                   output_size=(rows, cols), receptive_field=field.size, jump=field.jump)


def convolution_explorer(image: torch.Tensor, kernel_size: int = 3, stride: int = 1, padding: int = 0, dilation: int = 1,
                         layers: int = 1) -> Explorer:
    """Sliders for kernel size, stride, padding, dilation and the number of stacked layers →
    the output size, the receptive field drawn on the input, and the output map."""
    image = _square_image(image)
    values = dict(kernel_size=within(kernel_size, "kernel_size", 1, 7, integer=True), stride=within(stride, "stride", 1, 3, integer=True),
                  padding=within(padding, "padding", 0, 3, integer=True), dilation=within(dilation, "dilation", 1, 3, integer=True),
                  layers=within(layers, "layers", 1, 4, integer=True))
    limits = dict(kernel_size=(1, 7), stride=(1, 3), padding=(0, 3), dilation=(1, 3), layers=(1, 4))
    controls = {name: widgets.IntSlider(value=values[name], min=low, max=high, description=name.replace("_", " "),
                                        continuous_update=False) for name, (low, high) in limits.items()}

    def draw(figure: Figure, **settings) -> Reading:
        return draw_convolution(figure, image, **settings)

    # Size, stride and dilation against depth: how the receptive field grows. Padding only shifts the output size.
    live = {"kernel_size": (1, 3, 5), "stride": (1, 2), "dilation": (1, 2), "layers": (1, 2, 3, 4)}
    return Explorer(controls, draw, figsize=(8.0, 3.8), live=live)


def draw_kernel(figure: Figure, image: torch.Tensor, kernel) -> Reading:
    """A grey image, a 3×3 kernel (its numbers written in), and the feature map
    ``conv2d(image, kernel, padding="same")`` in a diverging colour map (positive orange, negative purple)."""
    image = _square_image(image)
    refuse_meta(kernel, "kernel")
    kernel = torch.as_tensor(np.asarray(kernel, dtype=np.float64))
    if kernel.shape != (3, 3) or not kernel.isfinite().all():
        raise ValueError(f"kernel must be 3×3 finite numbers, got shape {tuple(kernel.shape)}")
    feature_map = conv.conv2d(image[None, None], kernel[None, None], padding="same")[0, 0]
    image_ax, kernel_ax, map_ax = figure.subplots(1, 3, width_ratios=[1, 0.7, 1])
    image_ax.imshow(image.numpy(), cmap="gray_r")
    image_ax.set_title("input")
    limit = max(kernel.abs().max().item(), 1e-12)
    kernel_ax.imshow(kernel.numpy(), cmap="PuOr_r", vmin=-limit, vmax=limit)
    for (i, j), value in np.ndenumerate(kernel.numpy()):
        kernel_ax.text(j, i, f"{value:.2g}", ha="center", va="center", fontsize=10)
    kernel_ax.set_title("3×3 kernel")
    reach = max(feature_map.abs().max().item(), 1e-12)
    map_ax.imshow(feature_map.numpy(), cmap="PuOr_r", vmin=-reach, vmax=reach)
    map_ax.set_title("feature map (same size)")
    for ax in (image_ax, kernel_ax, map_ax):
        ax.axis("off")
    total = kernel.sum().item()
    meaning = ("it keeps the average brightness" if abs(total - 1) < 1e-9 else
               "flat regions give 0: it responds only to change" if abs(total) < 1e-9 else "it rescales the brightness")
    return Reading(f"kernel sum {total:.3g} ({meaning}) &nbsp;·&nbsp; feature map from <b>{feature_map.min().item():.3g}</b> "
                   f"to <b>{feature_map.max().item():.3g}</b>", kernel_sum=total, smallest=feature_map.min().item(),
                   largest=feature_map.max().item())


def kernel_explorer(images: torch.Tensor, index: int = 0, preset: str = "vertical edges (Sobel)") -> Explorer:
    """A 3×3 grid of numbers to edit (or a classic kernel to start from) and an example picker
    → the kernel's feature map on that digit."""
    images = as_float_tensor(images, "images")
    if images.ndim != 2 or len(images) == 0:
        raise ValueError(f"images must be (N, H·W) flattened square images, got shape {tuple(images.shape)}")
    _square_image(images[0], "images")
    index, preset = within(index, "index", 0, len(images) - 1, integer=True), as_choice(preset, "preset", tuple(KERNELS))
    entries = {f"k{i}{j}": widgets.FloatText(value=KERNELS[preset][i][j], step=0.5, layout=widgets.Layout(width="5.5em"))
               for i in range(3) for j in range(3)}
    controls = {"preset": widgets.Dropdown(options=list(KERNELS), value=preset, description="start from"),
                "index": widgets.IntSlider(value=index, min=0, max=len(images) - 1, description="example", continuous_update=False),
                **entries}
    grid = widgets.GridBox(list(entries.values()), layout=widgets.Layout(grid_template_columns="repeat(3, 6em)"))
    layout = widgets.HBox([widgets.VBox([controls["preset"], controls["index"]]), grid])

    def draw(figure: Figure, preset: str, index: int, **kernel) -> Reading:
        matrix = [[kernel[f"k{i}{j}"] for j in range(3)] for i in range(3)]
        return draw_kernel(figure, images[index], matrix)

    # The presets on a few digits; typing one's own numbers needs the notebook.
    live = {"preset": list(KERNELS), "index": sorted({index, *range(min(4, len(images)))})}
    explorer = Explorer(controls, draw, figsize=(8.0, 3.0), layout=layout, live=live)

    def load_preset(change) -> None:
        explorer.set_values(**{f"k{i}{j}": KERNELS[change["new"]][i][j] for i in range(3) for j in range(3)})

    controls["preset"].observe(load_preset, names="value")
    return explorer
