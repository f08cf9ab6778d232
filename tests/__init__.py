def home_figure(response, name: str):
    """A figure one of the home page's panels shows (met.registry home panels)."""
    return next(context[name] for _, context in response.context["panels"] if name in context)
