-- Drives a real headless Neovim through the plugin as a user would; writes what it saw as JSON to $IML_OUT.
-- Environment: IML_PLUGIN (plugin folder), IML_CMD (JSON array), IML_BROKEN, IML_JWT, IML_NEWLINE and
-- IML_MODULE (files to open), IML_PLANTED (a module file with a mistake, never opened), IML_ELSEWHERE
-- (a connection of another app, opened with a missing server command).
local H = dofile(vim.fn.fnamemodify(debug.getinfo(1, "S").source:sub(2), ":h") .. "/helpers.lua")
local out, finish, client_for, place, keys = H.out, H.finish, H.client_for, H.place, H.keys
local float_after, close_floats = H.float_after, H.close_floats

local function syntax_at(needle, extra)
  place(needle, extra)
  local cursor = vim.api.nvim_win_get_cursor(0)
  return vim.fn.synIDattr(vim.fn.synID(cursor[1], cursor[2] + 1, 1), "name")
end

local function run()
  vim.opt.runtimepath:prepend(os.getenv("IML_PLUGIN"))
  vim.cmd("syntax on")
  local attached = {}
  require("iml_ls").setup({
    cmd = vim.fn.json_decode(os.getenv("IML_CMD")),
    on_attach = function(_, bufnr)
      table.insert(attached, bufnr)
    end,
    capabilities = { experimental = { imlLsHarness = true } },
  })
  out.version = tostring(vim.version().major) .. "." .. tostring(vim.version().minor)

  vim.cmd("edit " .. os.getenv("IML_BROKEN"))
  out.filetype = vim.bo.filetype
  local ready = vim.wait(30000, function()
    local client = client_for(0)
    return client ~= nil and client.initialized ~= false and #vim.diagnostic.get(0) > 0
  end, 50)
  out.diagnostics = {}
  for _, item in ipairs(vim.diagnostic.get(0)) do
    table.insert(out.diagnostics, { code = item.code, line = item.lnum + 1, severity = item.severity })
  end
  if not ready then
    out.error = "no diagnostics"
    return finish(1)
  end
  local client = client_for(0)
  out.encoding = client.offset_encoding
  out.capabilitiesPassed = client.config.capabilities.experimental ~= nil
    and client.config.capabilities.experimental.imlLsHarness == true

  vim.cmd("edit " .. os.getenv("IML_JWT"))
  vim.wait(30000, function() return client_for(0) ~= nil end, 50)
  client = client_for(0)
  out.sameClient = client.id == client_for(vim.fn.bufnr(os.getenv("IML_BROKEN"))).id -- one server per app root
  out.onAttach = #attached
  out.syntax = {
    name = vim.bo.syntax,
    comment = syntax_at("// The JWT", 3),
    key = syntax_at('"url"', 1),
    string = syntax_at("https://api", 0),
    delimiter = syntax_at("{{jwt(", 0),
    ["function"] = syntax_at("jwt(temp", 0),
    variable = syntax_at("temp.jwt, parameters", 0),
    algorithm = syntax_at("'HS512'", 1),
  }
  out.omnifunc = vim.bo.omnifunc
  local k = vim.fn.maparg("K", "n", false, true)
  out.kMapped = type(k) == "table" and k.buffer == 1

  -- K on jwt( opens the hover
  place("jwt(temp.jwt", 1)
  out.hover = float_after(function() keys("K") end)

  -- code lenses and (0.10+) inlay hints
  vim.wait(20000, function() return #(vim.lsp.codelens.get(0) or {}) > 0 end, 50)
  out.codeLenses = {}
  for _, lens in ipairs(vim.lsp.codelens.get(0) or {}) do
    table.insert(out.codeLenses, { title = lens.command and lens.command.title, line = lens.range.start.line })
  end
  if vim.lsp.inlay_hint and vim.lsp.inlay_hint.get then
    out.inlayHints = {}
    vim.wait(20000, function() return #vim.lsp.inlay_hint.get({ bufnr = 0 }) > 0 end, 50)
    for _, hint in ipairs(vim.lsp.inlay_hint.get({ bufnr = 0 })) do
      local label = hint.inlay_hint.label
      table.insert(out.inlayHints, type(label) == "string" and label or label[1].value)
    end
  end

  -- the "Preview token (HS512)" lens (one of those on the line: vim.ui.select asks which) shows the token preview
  vim.api.nvim_win_set_cursor(0, { 1, 0 })
  out.tokenLensPreview, out.lensChoices = H.run_lens("Preview token (HS512)")
  close_floats()

  -- the preview float, and y in it yanks the token
  place("jwt(temp.jwt", 1)
  local window
  out.preview, window = float_after(function() vim.cmd("ImlPreviewToken") end)
  if window then
    vim.api.nvim_set_current_win(window)
    vim.fn.setreg('"', "")
    keys("y")
    out.yanked = vim.fn.getreg('"')
  end
  close_floats()

  -- completion as typed (last in this file, as it edits it): after the opening quote of 'HS512', <C-x><C-o> and accept the first item
  place("clientSecret, '", #"clientSecret, '" - 1)
  keys("a<C-x><C-o><C-y><Esc>")
  out.completedLine = vim.trim(vim.api.nvim_get_current_line())
  local completion = vim.lsp.buf_request_sync(0, "textDocument/completion",
    (function() place("clientSecret, '", #"clientSecret, '"); return vim.lsp.util.make_position_params(0, client.offset_encoding) end)(), 20000)
  out.completion = {}
  for _, response in pairs(completion or {}) do
    local items = (response.result or {}).items or response.result or {}
    for _, item in ipairs(items) do
      table.insert(out.completion, item.label)
    end
  end

  -- a message with a newline in it (an options key holding one)
  vim.cmd("edit " .. os.getenv("IML_NEWLINE"))
  vim.wait(30000, function() return client_for(0) ~= nil end, 50)
  vim.v.errmsg = ""
  place("jwt(temp.claims", 1)
  out.newlinePreview = float_after(function() vim.cmd("ImlPreviewToken") end)
  if vim.v.errmsg ~= "" then
    table.insert(out.errors, vim.v.errmsg)
  end
  close_floats()

  -- Format Document (vim.lsp.buf.format; formatting_sync before 0.8) changes only whitespace
  vim.api.nvim_buf_set_lines(0, 0, -1, false, { '{"url":"https://api.example.com",', '  "qs" : {"q":"{{parameters.q}}"}}' })
  if vim.lsp.buf.format then
    vim.lsp.buf.format({ async = false, timeout_ms = 20000 })
  else
    vim.lsp.buf.formatting_sync(nil, 20000)
  end
  out.formatted = vim.api.nvim_buf_get_lines(0, 0, -1, false)

  -- the diagnostics the server pushed for a module file that was never opened
  local planted = vim.fn.bufnr(os.getenv("IML_PLANTED"))
  vim.wait(30000, function()
    planted = vim.fn.bufnr(os.getenv("IML_PLANTED"))
    return planted ~= -1 and #vim.diagnostic.get(planted) > 0
  end, 50)
  out.unopened = { loaded = planted ~= -1 and vim.api.nvim_buf_is_loaded(planted), diagnostics = {} }
  for _, item in ipairs(planted ~= -1 and vim.diagnostic.get(planted) or {}) do
    table.insert(out.unopened.diagnostics, { code = item.code, line = item.lnum + 1, message = item.message })
  end

  -- a module of the example app: {{connection. offers what its connection (oauth2) gives
  vim.cmd("edit " .. os.getenv("IML_MODULE"))
  vim.wait(30000, function() return client_for(0) ~= nil end, 50)
  client = client_for(0)
  local module = vim.api.nvim_get_current_buf()
  place('"{{parameters.query}}"', 1)
  local row, column = unpack(vim.api.nvim_win_get_cursor(0))
  vim.api.nvim_buf_set_text(0, row - 1, column, row - 1, column, { "{{connection.}}" })
  vim.api.nvim_win_set_cursor(0, { row, column + #"{{connection." })
  local omnifunc = require("iml_ls").omnifunc
  omnifunc(1, "")
  out.connectionCompletion = {}
  for _, word in ipairs(omnifunc(0, "")) do
    table.insert(out.connectionCompletion, word.abbr)
  end

  -- go to definition on connection.scopes: the connection's params file, at the parameter
  vim.api.nvim_buf_set_text(0, row - 1, column + #"{{connection.", row - 1, column + #"{{connection.", { "scopes" })
  vim.api.nvim_win_set_cursor(0, { row, column + #"{{connection.sc" })
  vim.lsp.buf.definition()
  vim.wait(20000, function() return vim.api.nvim_get_current_buf() ~= module end, 50)
  out.definition = {
    file = vim.fn.fnamemodify(vim.api.nvim_buf_get_name(0), ":t"),
    line = vim.api.nvim_win_get_cursor(0)[1],
    text = vim.api.nvim_get_current_line(),
  }
  vim.cmd("buffer " .. module)

  -- :ImlPreviewRequest in the request, and y in the float yanks its curl command
  place('"{{connection.scopes}}', 1)
  out.requestPreview, window = float_after(function() vim.cmd("ImlPreviewRequest") end)
  if window then
    vim.api.nvim_set_current_win(window)
    place("curl ", 0)
    vim.fn.setreg('"', "")
    keys("y")
    out.yankedCurl = vim.fn.getreg('"')
  end
  close_floats()

  -- the "Preview request" lens on the request's first line runs the same preview
  vim.wait(20000, function() return #(vim.lsp.codelens.get(module) or {}) > 0 end, 50)
  out.moduleLenses = {}
  for _, lens in ipairs(vim.lsp.codelens.get(module) or {}) do
    table.insert(out.moduleLenses, { title = lens.command and lens.command.title, line = lens.range.start.line })
  end
  vim.api.nvim_win_set_cursor(0, { 1, 0 })
  out.lensPreview, out.moduleLensChoices = H.run_lens("Preview request")
  close_floats()

  -- a missing server: a message once, no error, no client
  require("iml_ls").setup({ cmd = { "/nonexistent/iml-ls", "serve" } })
  local before = #out.notifications
  vim.v.errmsg = ""
  vim.cmd("edit " .. os.getenv("IML_ELSEWHERE"))
  out.missingServer = {
    notifications = vim.list_slice(out.notifications, before + 1),
    client = client_for(0) ~= nil,
    errmsg = vim.v.errmsg,
  }
  finish(0)
end

H.start(run)
