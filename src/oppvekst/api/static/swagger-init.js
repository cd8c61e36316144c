// Starts Swagger UI from a static file: the site's CSP allows no inline scripts.
window.addEventListener("DOMContentLoaded", function () {
  window.ui = SwaggerUIBundle({
    // The OpenAPI document in the page's language: the page names it (data-spec).
    url: document.getElementById("swagger-ui").dataset.spec || "/api/v1/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
  });
});
