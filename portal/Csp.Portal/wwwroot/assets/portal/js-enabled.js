// Runs first in <body> (a blocking classic script, so there is no flash of un-enhanced content). It replaces the inline
// script of GOV.UK Frontend's page template: the portal's Content-Security-Policy allows scripts from 'self' only.
document.body.className += ' js-enabled' + ('noModule' in HTMLScriptElement.prototype ? ' govuk-frontend-supported' : '');
