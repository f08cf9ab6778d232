from django import forms


class TokenForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=100,
        help_text="What will use it, so you can tell your tokens apart later. For example “Police case system”.",
        error_messages={
            "required": "Give the token a name.",
            "max_length": "Use at most 100 characters for the name.",
        },
    )
