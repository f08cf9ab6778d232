"""The shape every edit page shares: validate, call the service, and say clearly what went wrong."""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from met.concurrency import StaleEditError, rebind_after_conflict


def apply_service_error(form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: on its field when it names one, else at the top."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def versioned_edit(
    request,
    *,
    form_class,
    instance,
    save: Callable,
    template: str,
    context: dict,
    success_message: str,
    success_url,
    form_kwargs: dict | None = None,
):
    """GET shows the form; POST validates it and calls `save(form)`, which calls the service.

    A save from a stale copy answers 409 with what the other person changed; a rule the service
    enforces answers 400 on the form. The form edits its own copy of the record, so the page
    around it keeps showing what is saved, not what was rejected.
    """
    form_kwargs = form_kwargs or {}
    model = type(instance)
    form = form_class(request.POST or None, instance=model.objects.get(pk=instance.pk), **form_kwargs)
    if request.method == "POST" and form.is_valid():
        try:
            save(form)
        except StaleEditError as error:
            form = rebind_after_conflict(
                form_class, request.POST, instance=model.objects.get(pk=instance.pk), error=error, **form_kwargs
            )
            return render(request, template, {**context, "form": form}, status=409)
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, success_message)
            return redirect(success_url)
    return render(request, template, {**context, "form": form}, status=400 if form.errors else 200)
