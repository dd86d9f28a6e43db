// Initialises GOV.UK Frontend's components (error summary focus, details, radios and checkboxes conditional reveals...).
import { initAll } from '/assets/govuk/govuk-frontend.min.js';
initAll();
