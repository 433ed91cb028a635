from __future__ import annotations

from typing import Any

from django.contrib.auth.forms import PasswordResetForm
from django.forms.renderers import TemplatesSetting
from django.template import loader

from . import ratelimit
from .ratelimit import RateLimit
from .tasks import send_email

# At most this many reset mails to one address: a stranger cannot flood someone's inbox through the form.
RESET_MAILS_PER_ADDRESS = RateLimit(3, 3600)


class QueuedPasswordResetForm(PasswordResetForm):
    """Password reset whose mail goes out through the background worker, a few per address and hour.

    Past the limit the form answers as always but sends nothing: the links already sent still work.
    """

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        if not ratelimit.hit(f"password_reset:mail:{to_email.strip().lower()}", RESET_MAILS_PER_ADDRESS):
            return
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        html_body = loader.render_to_string(html_email_template_name, context) if html_email_template_name else None
        send_email.enqueue(subject=subject, body=body, to=[to_email], html_body=html_body)


class KernFormRenderer(TemplatesSetting):
    """Django forms rendered with KERN markup: labels, hints and errors linked for screen readers."""

    form_template_name = "partials/form.html"
    field_template_name = "partials/field.html"
