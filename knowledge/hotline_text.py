"""Hotline sentences used in the assistant's own texts (consent, errors, notices).

A stop-gap until the hotline catalogue (knowledge/hotlines.yaml) feeds every text; the numbers
are those of the facts sheet (HL rows): 12333 labour and social security, 12348 legal aid,
12356 psychological assistance, 12355 youth service, 110 police, 120 ambulance.
"""

from __future__ import annotations

EMERGENCY = "有危险打 110，受伤打 120，心理援助 12356。"
FULL_LIST = (
    "劳动维权打 12333，法律援助 12348，心理援助 12356，青少年服务台 12355；"
    "有危险打 110，受伤打 120。"
)
BY_ROLE = {
    "legal": "法律援助热线 12348，劳动维权 12333",
    "counselling": "心理援助热线 12356，青少年服务台 12355；有危险打 110，受伤打 120",
    "union": "工会职工服务热线 12351（有的地方要先拨区号），劳动维权 12333",
}
