// Marks the page as scripted before it paints, so GOV.UK components do not flash unstyled.
document.body.className += " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
