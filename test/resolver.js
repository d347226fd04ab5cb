// kubernetes-models and its @kubernetes-models dependencies publish ES modules behind the
// "import" export condition only; resolve them with it (test/transform.js compiles them to CommonJS).
const ESM_ONLY = /^(kubernetes-models|@kubernetes-models\/[^/]+)(\/|$)/;

module.exports = (request, options) => {
  const conditions = ESM_ONLY.test(request) && options.conditions ? [...options.conditions, 'import'] : options.conditions;
  return options.defaultResolver(request, { ...options, conditions });
};
