// 站内搜索: loads Pagefind's UI from the site itself (pagefind/, written by
// `nianbao build`), with paths relative to this page so the site works under
// any portal sub-path. Newest year first; filters 年度, 地区, 单位.
(function () {
  var root = new URL('../', document.currentScript ? document.currentScript.src : location.href);
  var bundle = new URL('pagefind/', root);
  var missing = document.getElementById('search-missing');
  var s = document.createElement('script');
  s.src = new URL('pagefind-ui.js', bundle).href;
  s.onerror = function () { if (missing) missing.hidden = false; };
  s.onload = function () {
    new window.PagefindUI({
      element: '#search',
      bundlePath: bundle.pathname,
      baseUrl: new URL('../', root).pathname === '/' ? root.pathname : root.pathname,
      showImages: false,
      showSubResults: false,
      resetStyles: false,
      sort: { year: 'desc' },
      openFilters: ['年度'],
      translations: { placeholder: '搜索年度报告，如：政务公开日、平安镇', zero_results: '没有找到包含 [SEARCH_TERM] 的报告' },
    });
    // Tie the page's visible label to Pagefind's field once it is drawn.
    var tries = 0;
    (function label() {
      var input = document.querySelector('#search input[type="text"], #search input:not([type])');
      if (input) {
        input.setAttribute('aria-labelledby', 'search-label');
        input.removeAttribute('title');
      } else if ((tries += 1) < 50) {
        setTimeout(label, 50);
      }
    })();
  };
  document.head.appendChild(s);
})();
