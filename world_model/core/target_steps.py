"""Which future steps of a training window get target latents, and which of its frames they read.

The head needs the targets of the next C steps and the predictor's rollout loss those of the next R; the
value regression uses whichever there are. Encoding a target reads k frames, so on pixels the target
encoder's cost grows with the number of targets: beyond the chunk, a stride keeps every n-th step (and the
rollout's last) and the rollout loss compares the predictor with those alone, while the rollout itself
still runs every step.
"""

from __future__ import annotations


def target_starts(future: int, chunk: int, rollout: int, stride: int) -> list[int]:
    """Steps 0..F (0 = the context's) whose target latents a window's losses read, ascending.

    Every step up to the chunk C, then every `stride`-th up to min(R, F), and min(R, F) itself; stride 1
    gives every step 0..F, as the losses were defined before strides existed.
    """
    if stride == 1:
        return list(range(future + 1))
    end = min(rollout, future)
    starts = set(range(min(chunk, future) + 1)) | set(range(chunk, end + 1, stride)) | {end}
    return sorted(starts)


def frames_read(starts: list[int], context_len: int) -> list[int]:
    """Window frames (0 = the context's first) that the targets at `starts` read: j .. j+k-1 each, ascending."""
    return sorted({j + i for j in starts for i in range(context_len)})
