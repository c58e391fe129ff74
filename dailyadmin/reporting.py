"""Error reports never show a secret: Django's filter, and more.

Django's `SafeExceptionReporterFilter` hides settings and request values whose names look
secret, and the local variables of functions marked `sensitive_variables` (the team token's
path through teams/ is marked: `Team.set_token`, `crypto.encrypt`, `client_for`, the team
services, `add_team`, the webhook check). daily/ imports no Django and cannot be marked,
and a token also passes through requests and urllib3 (the Authorization header). So, in a
report outside DEBUG, this filter also hides in every frame:
- any variable whose name looks secret (Django's pattern for settings: API, AUTH, TOKEN,
  KEY, SECRET, PASS, SIGNATURE), and, at any depth inside dicts, other mappings (requests'
  header dicts), lists and tuples, any value under such a key (an Authorization header);
- bearer and basic credentials inside any string.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.views.debug import SafeExceptionReporterFilter

_CREDENTIALS = re.compile(r"\b(Bearer|Basic)\s+[^\s\"',;}]+", re.IGNORECASE)


class SecretsReporterFilter(SafeExceptionReporterFilter):
    def get_traceback_frame_variables(self, request: Any, tb_frame: Any) -> Any:
        variables = super().get_traceback_frame_variables(request, tb_frame)
        if not self.is_active(request):
            return variables
        return [(name, self.cleanse_setting(name, value)) for name, value in variables]

    def cleanse_setting(self, key: Any, value: Any) -> Any:
        if isinstance(value, Mapping) and not isinstance(value, dict):
            try:
                value = dict(value.items())
            except Exception:  # a strange mapping is shown as it is
                return super().cleanse_setting(key, value)
        if isinstance(value, str):
            value = _CREDENTIALS.sub(rf"\1 {self.cleansed_substitute}", value)
        return super().cleanse_setting(key, value)
