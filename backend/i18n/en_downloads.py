"""English text of failed weight downloads and installs (backend/weights: download.py,
install.py, jobs.py): the command prints it, the page shows it; ko_downloads.py has the same
keys and placeholders."""

TEXT: dict[str, str] = {
    "download.manual_steps": (
        "To install it by hand, download {url} ({size}) on a machine that can reach it, then "
        "run: python -m backend.weights import {model} {file}"
    ),
    "download.cannot_make_folder": "cannot create the weights folder {folder}: {reason}.",
    "download.cannot_lock": "cannot write in the weights folder {folder}: {reason}.",
    "download.already_running": (
        "{url} is already being downloaded into {folder} (by the server or another command); "
        "wait for that download to finish."
    ),
    "download.stopped_repeatedly": (
        "the transfer from {url} stopped at {have} of {total} ({reason}), {attempts} times; "
        "the partial file was removed. Try again later or use a mirror (WEIGHTS_BASE_URL)."
    ),
    "download.bytes": "{count} bytes",
    "download.bytes_unknown": "an unknown number of bytes",
    "download.wrong_hash": (
        "the file from {url} has SHA-256 {digest}…, but its name says it must start with "
        "{prefix}: it is damaged or not the published file, and was removed."
    ),
    "download.cannot_write": (
        "cannot write the download into {folder}: {reason}; nothing was kept."
    ),
    "download.http_not_found": (
        "{url} answered HTTP {code} {reason}: the file is not there; check WEIGHTS_BASE_URL; "
        "nothing was kept."
    ),
    "download.http_refused": (
        "{url} answered HTTP {code} {reason}: the server refused the download; nothing was kept."
    ),
    "download.unreachable": "cannot reach {url} ({reason}). {manual}",
    "download.lost.no_resume": "the server refused to resume; starting over",
    "download.lost.reconnect": "cannot reconnect: {reason}",
    "download.lost.wrong_start": "the server resumed at byte {start}, not {have}",
    "download.lost.closed_early": "the connection closed early",
    "download.interrupted": "stopped at {have} bytes",
    "download.interrupted_hashing": "stopped while checking the hash",
    "download.sent_too_much": (
        "{url} sent more than {cap} bytes, far more than the published {published}; nothing "
        "was kept."
    ),
    "download.bad_content_range": "the server sent a malformed Content-Range: {value}",
    "download.too_big": (
        "{url} is {total} bytes, far more than the published {published}: it is not the "
        "published file; nothing was kept."
    ),
    "download.no_space": (
        "not enough disk space in {folder}: the download needs {needed} MB more but {free} MB "
        "are free; free some space or point WEIGHTS_DIR elsewhere. Nothing was kept."
    ),
    # The download job (jobs.py): how far it is (in the refusal of a second download), and
    # what the page shows when the failure was not one of the above
    "download.progress": "{percent} of {size}",
    "download.starting": "starting",
    "download.failed_os": "the downloaded weights could not be installed: {error}",
    "download.failed_unexpectedly": "the download failed unexpectedly ({kind}); see the log.",
    # Installing a file (install.py)
    "install.unreadable": "{path} {problem}",
    "install.does_not_fit": "{path} does not fit {model}: {problem}.",
    "install.not_a_file": "{path} is not a file.",
    "install.no_space": "not enough disk space in {folder} for {size} MB; nothing was copied.",
}
