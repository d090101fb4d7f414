-- Drives a real headless Neovim through the plugin; writes what it saw as JSON to $IML_OUT.
-- Environment: IML_PLUGIN (plugin folder), IML_CMD (JSON array), IML_BROKEN and IML_JWT (files to open).
local out = {}
local function finish(code)
  local file = io.open(os.getenv("IML_OUT"), "w")
  file:write(vim.fn.json_encode(out))
  file:close()
  vim.cmd((code == 0) and "qall!" or "cquit! 1")
end

local function client_for(bufnr)
  local clients = vim.lsp.get_clients and vim.lsp.get_clients({ bufnr = bufnr }) or vim.lsp.buf_get_clients(bufnr)
  for _, client in pairs(clients) do
    if client.name == "iml_ls" then
      return client
    end
  end
end

local function place(needle, extra)
  for number, line in ipairs(vim.api.nvim_buf_get_lines(0, 0, -1, false)) do
    local column = line:find(needle, 1, true)
    if column then
      vim.api.nvim_win_set_cursor(0, { number, column - 1 + (extra or 0) })
      return true
    end
  end
  return false
end

local function run()
  vim.opt.runtimepath:prepend(os.getenv("IML_PLUGIN"))
  require("iml_ls").setup({ cmd = vim.fn.json_decode(os.getenv("IML_CMD")) })
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
  out.encoding = client_for(0).offset_encoding

  vim.cmd("edit " .. os.getenv("IML_JWT"))
  vim.wait(30000, function() return client_for(0) ~= nil end, 50)
  local client = client_for(0)
  place("clientSecret, '", #"clientSecret, '")
  local completion = vim.lsp.buf_request_sync(0, "textDocument/completion",
    vim.lsp.util.make_position_params(0, client.offset_encoding), 20000)
  out.completion = {}
  for _, response in pairs(completion or {}) do
    local items = (response.result or {}).items or response.result or {}
    for _, item in ipairs(items) do
      table.insert(out.completion, item.label)
    end
  end

  place("jwt(temp.jwt", 1)
  local hover = vim.lsp.buf_request_sync(0, "textDocument/hover",
    vim.lsp.util.make_position_params(0, client.offset_encoding), 20000)
  out.hover = ""
  for _, response in pairs(hover or {}) do
    if response.result then
      out.hover = response.result.contents.value or ""
    end
  end

  vim.cmd("ImlPreviewToken")
  out.preview = {}
  vim.wait(20000, function()
    for _, window in ipairs(vim.api.nvim_list_wins()) do
      if vim.api.nvim_win_get_config(window).relative ~= "" then
        out.preview = vim.api.nvim_buf_get_lines(vim.api.nvim_win_get_buf(window), 0, -1, false)
        return true
      end
    end
    return false
  end, 50)
  finish(0)
end

vim.api.nvim_create_autocmd("VimEnter", {
  nested = true, -- `:edit` inside must fire BufRead and FileType
  callback = function()
    local ok, message = pcall(run)
    if not ok then
      out.error = tostring(message)
      finish(1)
    end
  end,
})
