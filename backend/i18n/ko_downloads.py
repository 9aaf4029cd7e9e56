"""가중치 내려받기와 설치가 실패했을 때의 문장(backend/weights). en_downloads.py와 키와
자리표시자가 같습니다. 서버 폴더, URL, 운영체제가 준 이유는 원문 그대로 채웁니다."""

TEXT: dict[str, str] = {
    "download.manual_steps": (
        "직접 설치하려면 {url} 파일({size})을 그 주소에 닿는 컴퓨터에서 내려받은 뒤 다음 "
        "명령을 실행하세요: python -m backend.weights import {model} {file}"
    ),
    "download.cannot_make_folder": "가중치 폴더를 만들 수 없습니다({folder}): {reason}.",
    "download.cannot_lock": "가중치 폴더 {folder}에 쓸 수 없습니다: {reason}.",
    "download.already_running": (
        "{url} 파일을 이미 {folder} 폴더로 내려받는 중입니다(서버나 다른 명령이 받고 "
        "있습니다). 그 내려받기가 끝날 때까지 기다리세요."
    ),
    "download.stopped_repeatedly": (
        "{url}에서 받던 전송이 {total} 중 {have}바이트에서 멈췄습니다({reason}). "
        "{attempts}번 모두 그랬으므로 받다 만 파일은 지웠습니다. 나중에 다시 시도하거나 "
        "미러(WEIGHTS_BASE_URL)를 쓰세요."
    ),
    "download.bytes": "{count}바이트",
    "download.bytes_unknown": "전체 크기를 알 수 없는 파일",
    "download.wrong_hash": (
        "{url}에서 받은 파일의 SHA-256은 {digest}…이지만, 파일 이름에 적힌 앞부분은 "
        "{prefix}입니다. 손상되었거나 공개된 파일이 아니므로 지웠습니다."
    ),
    "download.cannot_write": (
        "내려받은 내용을 {folder} 폴더에 쓸 수 없습니다: {reason}. 남긴 파일은 없습니다."
    ),
    "download.http_not_found": (
        "{url} 주소의 답: HTTP {code} {reason}. 그 파일이 없으니 WEIGHTS_BASE_URL을 "
        "확인하세요. 남긴 파일은 없습니다."
    ),
    "download.http_refused": (
        "{url} 주소의 답: HTTP {code} {reason}. 서버가 내려받기를 거절했습니다. "
        "남긴 파일은 없습니다."
    ),
    "download.unreachable": "{url} 주소에 연결할 수 없습니다({reason}). {manual}",
    "download.lost.no_resume": "서버가 이어받기를 거절해 처음부터 다시 받습니다",
    "download.lost.reconnect": "다시 연결할 수 없습니다: {reason}",
    "download.lost.wrong_start": "서버가 {have}바이트가 아니라 {start}바이트부터 이어 보냈습니다",
    "download.lost.closed_early": "연결이 일찍 끊겼습니다",
    "download.interrupted": "{have}바이트에서 멈췄습니다",
    "download.interrupted_hashing": "해시를 확인하다 멈췄습니다",
    "download.sent_too_much": (
        "{url} 주소가 {cap}바이트 넘게 보냈습니다. 공개된 크기 {published}바이트보다 훨씬 "
        "크므로 남긴 파일은 없습니다."
    ),
    "download.bad_content_range": "서버가 보낸 Content-Range가 잘못되었습니다: {value}",
    "download.too_big": (
        "{url} 파일은 {total}바이트로, 공개된 크기 {published}바이트보다 훨씬 큽니다. 공개된 "
        "파일이 아니므로 남긴 파일은 없습니다."
    ),
    "download.no_space": (
        "{folder} 폴더의 디스크 공간이 모자랍니다. 내려받기에 {needed} MB가 더 필요한데 "
        "{free} MB만 비어 있습니다. 공간을 비우거나 WEIGHTS_DIR을 다른 곳으로 지정하세요. "
        "남긴 파일은 없습니다."
    ),
    "download.progress": "{size} 중 {percent}",
    "download.starting": "시작하는 중",
    "download.failed_os": "내려받은 가중치를 설치하지 못했습니다: {error}",
    "download.failed_unexpectedly": (
        "내려받기가 예상하지 못한 오류({kind})로 실패했습니다. 서버 로그를 확인하세요."
    ),
    "install.unreadable": "{path} 파일을 체크포인트로 읽을 수 없습니다: {problem}",
    "install.does_not_fit": "{path} 파일은 {model} 모델에 맞지 않습니다: {problem}.",
    "install.not_a_file": "{path} 경로는 파일이 아닙니다.",
    "install.no_space": (
        "{folder} 폴더의 디스크 공간이 {size} MB를 담기에 모자랍니다. 복사한 파일은 없습니다."
    ),
}
