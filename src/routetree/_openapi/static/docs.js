// Start Swagger UI on routetree's docs page. The page says where the document is
// in a JSON script element, so this file is static and the page needs no inline
// script (its Content-Security-Policy allows none).
window.addEventListener("load", function () {
  var config = JSON.parse(
    document.getElementById("routetree-openapi").textContent
  );
  window.ui = SwaggerUIBundle({
    url: config.url,
    dom_id: "#swagger-ui",
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    // The default validator badge asks validator.swagger.io about the document.
    validatorUrl: null,
  });
});
