VALUE = "not a route"
