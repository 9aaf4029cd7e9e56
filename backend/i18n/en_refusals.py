"""English refusals of uploads, inspection, exports, the architecture editor and busy lanes
(`backend.i18n.bilingual`); ko_refusals.py has the same keys and placeholders."""

TEXT: dict[str, str] = {
    "unknown_model": "Unknown model {name}; available models: {listed}.",
    "error.body_not_utf8": "The body is not JSON text (UTF-8); send a JSON object, see /docs.",
    # Images (serving/images.py, json_bodies.py, decode_budget.py, api/uploads.py)
    "image.accepted": "PNG, JPEG, GIF (first frame), WebP or BMP",
    "image.refused_format": "{format} files are not accepted; send a {accepted} image.",
    "image.unknown_format": (
        "The upload is not an image in a known format (its first bytes match no {accepted} "
        "signature); send one of those."
    ),
    "image.empty": "The upload is empty; send a {accepted} image.",
    "image.zero_size": (
        "The {format} declares a zero-size image ({width}×{height} px); send an image with at "
        "least one pixel ({accepted})."
    ),
    "image.too_many_pixels": (
        "The {format} declares {width}×{height} px ({megapixels} megapixels), more than the "
        "{max_megapixels} megapixels accepted; send a smaller {accepted} image."
    ),
    "image.too_many_bytes": (
        "The file is {size}, more than the {limit} accepted; send a smaller {accepted} image."
    ),
    "image.bomb": (
        "The {format} declares too many pixels ({reason}); send a smaller {accepted} image."
    ),
    "image.bomb_decoding": "The {format} has too many pixels; send a smaller {accepted} image.",
    "image.header_corrupt": (
        "The file starts like a {format} but its header is corrupt; send a complete {accepted} "
        "image."
    ),
    "image.truncated": (
        "The {format} is truncated or corrupt and could not be decoded; send a complete "
        "{accepted} image."
    ),
    "image.decode_memory": (
        "Decoding this {width}×{height} px {mode} {format} would take about {needed} of "
        "memory, more than the {limit} one image may use; send a smaller image (about "
        "{side}×{side} px or less in this format), or a JPEG, which decodes at a reduced scale."
    ),
    "image.decode_busy": (
        "Other images being decoded hold {used} of the {total} set aside for decoding and "
        "this one needs {needed}; retry in a moment or send a smaller image."
    ),
    "image.data_url.form": (
        "The image must be a base64 data URL such as 'data:image/png;base64,iVBOR...' holding "
        "a {accepted} file."
    ),
    "image.data_url.too_large": (
        "The data URL holds more than the {limit} accepted; send a smaller {accepted} image."
    ),
    "image.data_url.base64": (
        "The data URL's base64 payload is malformed; encode the whole {accepted} file with "
        "standard base64."
    ),
    "image.json.expected": (
        'The JSON body must be an object {{"image": "data:image/png;base64,..."}} holding a '
        "{accepted} file as a data URL"
    ),
    "image.json.no_image": "{expected}; this one has no image string.",
    "image.json.invalid": "{expected}; this one is not valid JSON.",
    "image.json.too_deep": (
        "{expected}; this one nests arrays or objects more than {depth} levels deep."
    ),
    "image.json.too_many_tokens": (
        "{expected}; this one has more than {tokens} brackets and quotes."
    ),
    "upload.body_too_large": (
        "The request body is larger than the {limit} MiB accepted; send a smaller {accepted} image."
    ),
    "upload.media_type": "Request bodies of type {media_type} are not accepted; {how}.",
    # Inspection (inspection/*.py, serving/runtime.py)
    "inspect.not_classifier": (
        "{model} is a building block with no classes, so it cannot classify an image; choose "
        "a classifier such as simplecnn, alexnet, vgg16 or resnet18."
    ),
    "inspect.no_layer": "{model} has no layer {layer}; layers: {names}.",
    "inspect.call_range": (
        "{layer} runs {runs} time(s) in {model}'s forward; call must be between 1 and {runs}; "
        "got {call}."
    ),
    "inspect.class_index": (
        "class_index must be between 0 and {last} for {model}; got {class_index}."
    ),
    "inspect.gradcam_layer": (
        "Grad-CAM needs a layer whose output is a feature map; {layer} ({type}) outputs "
        "{shape}. Layers that qualify: {names}."
    ),
    "inspect.step_layer": (
        "{layer} is a {type}; the step-by-step view works on Conv2d and MaxPool2d layers: {names}."
    ),
    "inspect.step_position": (
        "{field} must be between 0 and {last} for {layer} (output {shape}); got {value}."
    ),
    "inspect.max_inputs": "max_inputs must be between 1 and {max}; got {value}.",
    "inspect.max_channels": "max_channels must be at least 1; got {value}.",
    "inspect.grid_too_big": (
        "{maps} maps of {side} are {count} numbers, more than the {max} sent as a grid; ask "
        "for fewer max_channels or format=png."
    ),
    # Exports (exports/service.py, api/exports.py)
    "export.too_big.cap": (
        "The ONNX file of {model} would be about {size} (4 bytes for each of its {params} "
        "parameters), more than the {limit} an export may be; choose fewer classes or a "
        "smaller model."
    ),
    "export.too_big.protobuf": (
        "The ONNX file of {model} would be about {size} (4 bytes for each of its {params} "
        "parameters), more than the 2 GB protobuf can write in one file; choose fewer classes "
        "or a smaller model."
    ),
    "export.with_classes": "{model} with {classes} classes",
    "export.timeout": (
        "Exporting {file} took longer than {seconds} s and was stopped; try a smaller input size."
    ),
    "export.memory": (
        "Exporting {file} needed more than the {limit} an export may use; try again later or "
        "with a smaller model."
    ),
    "export.batch_folded": (
        "{model} cannot be exported at {height}×{width} px: its forward reshapes with "
        "view(-1, ...), so one input image gives an output of batch size {batch}. {needs}"
    ),
    "freeze.no_head": (
        "{model} is a building block with no classifier head, so it has no separate feature "
        "extractor; name its modules to freeze instead: {names}."
    ),
    "freeze.unknown": (
        "freeze names top-level modules of {model}; {name} is not one. Choose from {names}, "
        "or {feature_extractor} for all but the head."
    ),
    # The architecture editor (api/architectures.py, architectures/*.py)
    "arch.not_json": (
        'The body is not JSON; send a spec such as {{"family": "vgg", "cfg": [64, "M"]}} with '
        "Content-Type: application/json."
    ),
    "arch.not_object": (
        'The architecture must be a JSON object such as {{"family": "vgg", "cfg": [64, "M", '
        '128, "M"]}}; family is one of {families}.'
    ),
    "arch.too_large": "The request body is larger than the {limit} KiB a spec may take.",
    "arch.family_missing": "family is missing; it must be one of {families}.",
    "arch.family_unknown": "Unknown family {family}; it must be one of {families}.",
    "arch.unknown_field": "{field}: unknown field for a {family} network.",
    "arch.cfg_entry": (
        "{field} must be a positive number of output channels or 'M' (a 2×2 max-pool); got {got}."
    ),
    "arch.not_accepted": "{name} describes a network that is not accepted: {reason}",
    "arch.not_canonical": "{name} is not the canonical name of its network; use {canonical}.",
    "arch.no_code": "There is no generated code for {model} yet.",
    "arch.bad_name": "{name} is not a valid custom network name: {reason}",
    "arch.name.number": "{token} needs a positive whole number without leading zeros.",
    "arch.name.twice": "{field} is given twice.",
    "arch.name.option": "unknown option {option}.",
    "arch.name.damaged_long": "the encoded part is damaged or too long.",
    "arch.name.damaged": "the encoded part is damaged.",
    "arch.name.not_fields": "the encoded part is not a network's fields.",
    "arch.name.form": "names are {families}, a dot, then the spec.",
    "arch.list_empty": "{field} is empty; it needs at least one {what}.",
    "arch.list_long": "{field} has {count} entries; at most {limit} are allowed.",
    "arch.what.entry": "entry",
    "arch.width": "{field}: {value} is over the limit of {limit} channels (or features) per layer.",
    "arch.no_conv": "cfg has no convolution; add at least one width such as 64.",
    "arch.stage_mismatch": (
        "widths has {widths} entries but blocks has {blocks}: give one width per stage."
    ),
    "arch.blocks": "{field}: {value} blocks in one stage is over the limit of {limit}.",
    "arch.classes": "num_classes: {value} is over the limit of {limit}.",
    "arch.input_size": "input_size: {value} px is over the limit of {limit} px.",
    "arch.alexnet_widths": "widths has {count} entries; AlexNet has exactly five convs.",
    "arch.alexnet_groups": (
        "groups has {count} entries; give exactly three, for conv2, conv4 and conv5."
    ),
    "arch.groups_divide": (
        "{field}: {conv} splits {cin} input and {cout} output channels into {groups} groups; "
        "both must be divisible by {groups}."
    ),
    "arch.pool_too_small": (
        "{field} 'M': the map is already {side}×{side} at a {size} px input; remove a pool or "
        "use a larger input."
    ),
    "arch.stage_too_small": (
        "{field}: the map is already {side}×{side} at a {size} px input, so this stage's 2×2 "
        "max-pool has nothing to pool; remove a stage or use a larger input."
    ),
    "arch.alexnet_too_small": (
        "input_size: at {size} px AlexNet's maps vanish before its last max-pool (conv1 is "
        "11×11 with stride 4, then three 3×3 pools with stride 2); it needs at least {min} px."
    ),
    "arch.params": (
        "This network has {params} parameters; the limit is {limit}. Use fewer or narrower "
        "layers (for VGG, a narrower last conv or classifier)."
    ),
    "arch.mult_adds": (
        "This network needs {macs} G mult-adds at {size} px; the limit is {limit} G. Use fewer "
        "or narrower layers, more pools, or a smaller input."
    ),
    # Busy lanes (workloads.py): the running count, the waiting count and what they are
    "busy.lane": (
        "The server is busy: {running} {noun} are running and {waiting} are waiting; retry in "
        "a moment."
    ),
    "busy.noun.analysis": "analyses",
    "busy.noun.gradients": "gradient experiments",
    "busy.noun.bodies": "request bodies",
    "busy.noun.exports": "exports",
    "busy.noun.inspection": "feature-map and Grad-CAM requests",
    "busy.noun.large_images": "predictions of large images",
    "busy.noun.other": "{kind} jobs",
}
