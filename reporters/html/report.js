// Status filters: one class on <body> decides which scenarios show; CSS does the rest.
document.querySelectorAll('.filters button').forEach(function (button) {
  button.addEventListener('click', function () {
    document.querySelectorAll('.filters button').forEach(function (b) { b.classList.remove('active'); });
    button.classList.add('active');
    document.body.className = button.dataset.filter === 'all' ? '' : 'filter-' + button.dataset.filter;
  });
});
