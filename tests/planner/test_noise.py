import torch

from actjepa.planner.noise import NormalStream, derive_keys, episode_keys


def test_streams_are_standard_normal_and_independent_of_batch_size():
    keys = episode_keys([3, 4, 5])
    batched = NormalStream(keys, (2000, 5)).draw()
    alone = NormalStream(episode_keys([4]), (2000, 5)).draw()
    assert torch.equal(batched[1], alone[0])
    assert abs(batched.mean().item()) < 0.02
    assert abs(batched.std().item() - 1.0) < 0.02
    # Tails look Gaussian: about 4.55% beyond two standard deviations.
    assert abs((batched.abs() > 2).float().mean().item() - 0.0455) < 0.005
    corr = torch.corrcoef(batched.reshape(3, -1))
    assert (corr - torch.eye(3)).abs().max() < 0.02


def test_successive_draws_and_derived_keys_differ_but_repeat_exactly():
    keys = episode_keys([7])
    first, second = NormalStream(keys, (64,)), NormalStream(keys, (64,))
    a1, a2 = first.draw(), first.draw()
    assert torch.equal(second.draw(), a1) and torch.equal(second.draw(), a2)
    assert not torch.allclose(a1, a2)
    other = NormalStream(derive_keys(keys, 1), (64,)).draw()
    assert not torch.allclose(other, a1)
