"""업로드, 들여다보기(inspection), 내보내기, 아키텍처 에디터, 바쁜 작업 줄의 거절 문장.
en_refusals.py와 키와 자리표시자가 같습니다."""

TEXT: dict[str, str] = {
    "unknown_model": "{name} 모델은 없습니다. 있는 모델: {listed}.",
    "error.body_not_utf8": (
        "본문이 JSON 텍스트(UTF-8)가 아닙니다. JSON 객체를 보내세요. 설명은 /docs에 있습니다."
    ),
    # 이미지
    "image.accepted": "PNG, JPEG, GIF(첫 프레임), WebP, BMP",
    "image.refused_format": "{format} 파일은 받지 않습니다. {accepted} 이미지를 보내 주세요.",
    "image.unknown_format": (
        "올린 파일은 아는 형식의 이미지가 아닙니다(첫 바이트가 {accepted} 어느 형식과도 맞지 "
        "않습니다). 이 형식 중 하나를 보내 주세요."
    ),
    "image.empty": "올린 파일이 비어 있습니다. {accepted} 이미지를 보내 주세요.",
    "image.zero_size": (
        "{format} 파일의 크기가 0입니다({width}×{height} px). 픽셀이 하나 이상 있는 이미지를 "
        "보내 주세요({accepted})."
    ),
    "image.too_many_pixels": (
        "{format} 파일이 {width}×{height} px({megapixels}메가픽셀)로, 받는 한도인 "
        "{max_megapixels}메가픽셀보다 큽니다. 더 작은 {accepted} 이미지를 보내 주세요."
    ),
    "image.too_many_bytes": (
        "파일 크기가 {size}로, 받는 한도인 {limit}보다 큽니다. 더 작은 {accepted} 이미지를 "
        "보내 주세요."
    ),
    "image.bomb": (
        "{format} 파일의 픽셀 수가 너무 많습니다({reason}). 더 작은 {accepted} 이미지를 "
        "보내 주세요."
    ),
    "image.bomb_decoding": (
        "{format} 파일의 픽셀 수가 너무 많습니다. 더 작은 {accepted} 이미지를 보내 주세요."
    ),
    "image.header_corrupt": (
        "{format} 파일처럼 시작하지만 헤더가 손상되었습니다. 온전한 {accepted} 이미지를 보내 "
        "주세요."
    ),
    "image.truncated": (
        "{format} 파일이 잘렸거나 손상되어 읽을 수 없습니다. 온전한 {accepted} 이미지를 보내 "
        "주세요."
    ),
    "image.decode_memory": (
        "이 {width}×{height} px {mode} {format} 이미지를 디코딩하려면 메모리가 약 {needed} "
        "필요해, 이미지 하나에 허용되는 {limit}를 넘습니다. 더 작은 이미지(이 형식으로 약 "
        "{side}×{side} px 이하)나, 줄인 배율로 디코딩되는 JPEG를 보내 주세요."
    ),
    "image.decode_busy": (
        "디코딩용으로 잡아 둔 {total} 중 {used}를 다른 이미지들이 쓰고 있고, 이 이미지에는 "
        "{needed}가 필요합니다. 잠시 후 다시 시도하거나 더 작은 이미지를 보내 주세요."
    ),
    "image.data_url.form": (
        "이미지는 'data:image/png;base64,iVBOR...' 같은 base64 data URL이어야 하며, 안에 "
        "{accepted} 파일이 들어 있어야 합니다."
    ),
    "image.data_url.too_large": (
        "data URL의 내용이 받는 한도인 {limit}보다 큽니다. 더 작은 {accepted} 이미지를 보내 주세요."
    ),
    "image.data_url.base64": (
        "data URL의 base64 내용이 잘못되었습니다. {accepted} 파일 전체를 표준 base64로 "
        "인코딩하세요."
    ),
    "image.json.expected": (
        'JSON 본문은 {accepted} 파일을 data URL로 담은 {{"image": '
        '"data:image/png;base64,..."}} 형태의 객체여야 합니다'
    ),
    "image.json.no_image": "{expected}. 보낸 본문에는 image 문자열이 없습니다.",
    "image.json.invalid": "{expected}. 보낸 본문은 올바른 JSON이 아닙니다.",
    "image.json.too_deep": "{expected}. 보낸 본문은 배열이나 객체가 {depth}단계보다 깊습니다.",
    "image.json.too_many_tokens": (
        "{expected}. 보낸 본문에는 괄호와 따옴표가 {tokens}개보다 많습니다."
    ),
    "upload.body_too_large": (
        "요청 본문이 받는 한도인 {limit} MiB보다 큽니다. 더 작은 {accepted} 이미지를 보내 주세요."
    ),
    "upload.media_type": "{media_type} 형식의 요청 본문은 받지 않습니다. {how}.",
    # 들여다보기
    "inspect.not_classifier": (
        "{model} 모델은 클래스가 없는 구성 블록이라 이미지를 분류할 수 없습니다. simplecnn, "
        "alexnet, vgg16, resnet18 같은 분류기를 고르세요."
    ),
    "inspect.no_layer": "{model} 모델에는 {layer} 층이 없습니다. 있는 층: {names}.",
    "inspect.call_range": (
        "{layer} 층은 {model} 모델의 forward에서 {runs}번 실행되므로 call 값은 1 이상 {runs} "
        "이하여야 합니다. 받은 값: {call}."
    ),
    "inspect.class_index": (
        "class_index 값은 {model} 모델에서 0 이상 {last} 이하여야 합니다. 받은 값: {class_index}."
    ),
    "inspect.gradcam_layer": (
        "Grad-CAM에는 출력이 특징 맵인 층이 필요합니다. {layer} 층({type})의 출력은 "
        "{shape}입니다. 쓸 수 있는 층: {names}."
    ),
    "inspect.step_layer": (
        "{layer} 층은 {type} 층입니다. 단계별 보기는 Conv2d와 MaxPool2d 층에서만 됩니다: {names}."
    ),
    "inspect.step_position": (
        "{field} 값은 {layer} 층(출력 {shape})에서 0 이상 {last} 이하여야 합니다. 받은 값: {value}."
    ),
    "inspect.max_inputs": "max_inputs 값은 1 이상 {max} 이하여야 합니다. 받은 값: {value}.",
    "inspect.max_channels": "max_channels 값은 1 이상이어야 합니다. 받은 값: {value}.",
    "inspect.grid_too_big": (
        "{side} 맵 {maps}개는 숫자 {count}개로, 격자로 보내는 한도인 {max}개보다 많습니다. "
        "max_channels를 줄이거나 format=png로 요청하세요."
    ),
    # 내보내기
    "export.too_big.cap": (
        "{model}의 ONNX 파일은 약 {size}(파라미터 {params}개마다 4바이트)로, 내보내기 한도인 "
        "{limit}를 넘습니다. 클래스 수를 줄이거나 더 작은 모델을 고르세요."
    ),
    "export.too_big.protobuf": (
        "{model}의 ONNX 파일은 약 {size}(파라미터 {params}개마다 4바이트)로, protobuf가 파일 "
        "하나에 쓸 수 있는 2 GB를 넘습니다. 클래스 수를 줄이거나 더 작은 모델을 고르세요."
    ),
    "export.with_classes": "{model} 모델(클래스 {classes}개)",
    "export.timeout": (
        "{file} 내보내기가 {seconds}초보다 오래 걸려 중단되었습니다. 더 작은 입력 크기로 "
        "시도하세요."
    ),
    "export.memory": (
        "{file} 내보내기에 내보내기 한도인 {limit}보다 많은 메모리가 필요했습니다. 나중에 "
        "다시 시도하거나 더 작은 모델로 시도하세요."
    ),
    "export.batch_folded": (
        "{model} 모델은 {height}×{width} px로 내보낼 수 없습니다. forward가 view(-1, ...)로 "
        "모양을 바꾸어, 입력 이미지 한 장에 대한 출력의 배치 크기는 {batch}입니다. {needs}"
    ),
    "freeze.no_head": (
        "{model} 모델은 분류기 헤드가 없는 구성 블록이라 따로 떼어 낼 특징 추출기가 없습니다. "
        "고정할 모듈 이름을 직접 주세요: {names}."
    ),
    "freeze.unknown": (
        "freeze에는 {model} 모델의 최상위 모듈 이름을 줍니다. {name} 이름은 그런 모듈이 "
        "아닙니다. {names} 중에서 고르거나, 헤드를 뺀 전부를 뜻하는 {feature_extractor} 값을 "
        "쓰세요."
    ),
    # 아키텍처 에디터
    "arch.not_json": (
        '본문이 JSON이 아닙니다. {{"family": "vgg", "cfg": [64, "M"]}} 같은 명세를 '
        "Content-Type: application/json으로 보내세요."
    ),
    "arch.not_object": (
        '아키텍처는 {{"family": "vgg", "cfg": [64, "M", 128, "M"]}} 같은 JSON 객체여야 '
        "합니다. family 값은 {families} 중 하나입니다."
    ),
    "arch.too_large": "요청 본문이 명세 하나에 허용되는 {limit} KiB보다 큽니다.",
    "arch.family_missing": "family 값이 없습니다. {families} 중 하나여야 합니다.",
    "arch.family_unknown": "{family} 계열은 없습니다. family 값은 {families} 중 하나여야 합니다.",
    "arch.unknown_field": "{field}: {family} 네트워크에는 없는 필드입니다.",
    "arch.cfg_entry": (
        "{field} 값은 양의 출력 채널 수나 'M'(2×2 max-pool)이어야 합니다. 받은 값: {got}."
    ),
    "arch.not_accepted": "{name} 이름이 나타내는 네트워크는 받을 수 없습니다. {reason}",
    "arch.not_canonical": (
        "{name} 이름은 이 네트워크의 정식 이름이 아닙니다. {canonical} 이름을 쓰세요."
    ),
    "arch.no_code": "{model} 모델의 생성된 코드는 아직 없습니다.",
    "arch.bad_name": "{name} 이름은 올바른 사용자 정의 네트워크 이름이 아닙니다. {reason}",
    "arch.name.number": "{token} 뒤에는 0으로 시작하지 않는 양의 정수가 와야 합니다.",
    "arch.name.twice": "{field} 값이 두 번 나옵니다.",
    "arch.name.option": "{option} 옵션은 없습니다.",
    "arch.name.damaged_long": "인코딩된 부분이 손상되었거나 너무 깁니다.",
    "arch.name.damaged": "인코딩된 부분이 손상되었습니다.",
    "arch.name.not_fields": "인코딩된 부분이 네트워크 필드가 아닙니다.",
    "arch.name.form": "이름은 {families} 중 하나, 점(.), 그리고 명세로 이루어집니다.",
    "arch.list_empty": "{field} 목록이 비어 있습니다. 적어도 {what} 1개가 필요합니다.",
    "arch.list_long": "{field} 목록의 항목은 {count}개입니다. 최대 {limit}개까지 받습니다.",
    "arch.what.entry": "항목",
    "arch.width": "{field}: {value} 값은 층당 채널(또는 특징) 한도인 {limit}개를 넘습니다.",
    "arch.no_conv": "cfg에 합성곱이 없습니다. 64 같은 너비를 하나 이상 넣으세요.",
    "arch.stage_mismatch": (
        "widths 항목은 {widths}개인데 blocks 항목은 {blocks}개입니다. 단계마다 너비를 하나씩 "
        "주세요."
    ),
    "arch.blocks": "{field}: 한 단계의 블록 {value}개는 한도인 {limit}개를 넘습니다.",
    "arch.classes": "num_classes: {value} 값이 한도 {limit}보다 큽니다.",
    "arch.input_size": "input_size: {value} px 값이 한도 {limit} px보다 큽니다.",
    "arch.alexnet_widths": "widths 항목은 {count}개입니다. AlexNet의 합성곱은 정확히 5개입니다.",
    "arch.alexnet_groups": (
        "groups 항목은 {count}개입니다. conv2, conv4, conv5에 하나씩 정확히 3개를 주세요."
    ),
    "arch.groups_divide": (
        "{field}: {conv} 층은 입력 채널 {cin}개와 출력 채널 {cout}개를 {groups}개 그룹으로 "
        "나눕니다. 두 값 모두 {groups}의 배수여야 합니다."
    ),
    "arch.pool_too_small": (
        "{field} 'M': 입력이 {size} px일 때 맵은 이미 {side}×{side}입니다. 풀링을 하나 빼거나 "
        "더 큰 입력을 쓰세요."
    ),
    "arch.stage_too_small": (
        "{field}: 입력이 {size} px일 때 맵은 이미 {side}×{side}라서 이 단계의 2×2 max-pool이 "
        "풀링할 것이 없습니다. 단계를 하나 빼거나 더 큰 입력을 쓰세요."
    ),
    "arch.alexnet_too_small": (
        "input_size: {size} px에서는 AlexNet의 맵이 마지막 max-pool 전에 사라집니다(conv1은 "
        "stride 4의 11×11, 그 뒤 stride 2의 3×3 풀링 세 번). 최소 {min} px가 필요합니다."
    ),
    "arch.params": (
        "이 네트워크의 파라미터는 {params}개로, 한도인 {limit}개를 넘습니다. 층 수나 너비를 "
        "줄이세요(VGG라면 마지막 합성곱이나 분류기를 좁게)."
    ),
    "arch.mult_adds": (
        "이 네트워크는 {size} px에서 연산량(MACs)이 {macs} G로, 한도인 {limit} G를 넘습니다. "
        "층 수나 너비를 줄이거나, 풀링을 늘리거나, 더 작은 입력을 쓰세요."
    ),
    # 바쁜 작업 줄(workloads.py)
    "busy.lane": (
        "서버가 바쁩니다. {noun} {running}개가 실행 중이고 {waiting}개가 기다리고 있습니다. "
        "잠시 후 다시 시도하세요."
    ),
    "busy.noun.analysis": "분석",
    "busy.noun.gradients": "기울기 실험",
    "busy.noun.bodies": "요청 본문 처리",
    "busy.noun.exports": "내보내기",
    "busy.noun.inspection": "특징 맵·Grad-CAM 요청",
    "busy.noun.large_images": "큰 이미지 예측",
    "busy.noun.other": "{kind} 작업",
}
