from __future__ import annotations

import pytest

from common.privacy import mask_personal_numbers


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("我电话13812345678", "我电话138****5678"),
        ("打 138-1234-5678 找我", "打 138****5678 找我"),
        ("身份证140402199001011234", "身份证140402********1234"),
        ("身份证14040219900101123X号", "身份证140402********123X号"),
        ("工资4500，干了8个月", "工资4500，干了8个月"),
        ("订单号 123456789012345678901", "订单号 123456789012345678901"),
    ],
)
def test_masks_phones_and_id_numbers_only(text: str, masked: str) -> None:
    assert mask_personal_numbers(text) == masked
