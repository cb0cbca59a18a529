// Starts GraphiQL with the hub's settings, read from the JSON block the hub puts in the page
// (the Content-Security-Policy allows no inline script). The headers editor starts with a hint
// for the access token; a header still holding the placeholder, or empty, is not sent.
(function () {
  "use strict";
  const config = JSON.parse(document.getElementById("hub-console-config").textContent);
  const endpoint = new URL(config.endpoint, window.location.href);
  const subscriptions = new URL(endpoint);
  subscriptions.protocol = endpoint.protocol === "https:" ? "wss:" : "ws:";

  const send = GraphiQL.createFetcher({
    url: endpoint.toString(),
    subscriptionUrl: subscriptions.toString(),
  });

  function withoutPlaceholders(headers) {
    const kept = {};
    for (const [name, value] of Object.entries(headers || {})) {
      if (typeof value !== "string" || (value !== "" && !value.includes(config.placeholder))) {
        kept[name] = value;
      }
    }
    return kept;
  }

  function fetcher(params, options) {
    const headers = withoutPlaceholders(options && options.headers);
    return send(params, Object.assign({}, options, { headers: headers }));
  }

  function Console() {
    return React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultQuery: config.defaultQuery,
      defaultHeaders: config.defaultHeaders,
      defaultEditorToolsVisibility: true,
      isHeadersEditorEnabled: true,
      shouldPersistHeaders: false,
      inputValueDeprecation: true,
      plugins: [GraphiQLPluginExplorer.explorerPlugin()],
    });
  }

  ReactDOM.createRoot(document.getElementById("graphiql")).render(React.createElement(Console));
})();
