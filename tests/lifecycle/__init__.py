import pytest

# The shared comparisons assert field by field; show the differing fields when one fails.
pytest.register_assert_rewrite("tests.lifecycle.compare")
