"""Request and response models of the HTTP API, one module per area. Routes annotate them, so
Powertools validates requests and responses and generates the OpenAPI document from them."""
