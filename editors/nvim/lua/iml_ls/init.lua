-- iml-ls for Neovim 0.7 to 0.11: filetype detection for Make's *.iml.json files, the language
-- server started for them, and :ImlPreviewToken showing the signed token in a floating window.
local M = {}

M.config = {
  cmd = { "iml-ls", "serve" },
  settings = { imlLs = {} },
  init_options = {},
}

local function root_dir(path)
  local folder = vim.fn.fnamemodify(path, ":p:h")
  local manifest = vim.fn.findfile("makecomapp.json", folder .. ";")
  if manifest ~= "" then
    return vim.fn.fnamemodify(manifest, ":p:h")
  end
  return folder
end

local function client_config(bufnr)
  return {
    name = "iml_ls",
    cmd = M.config.cmd,
    root_dir = root_dir(vim.api.nvim_buf_get_name(bufnr)),
    settings = M.config.settings,
    init_options = M.config.init_options,
    flags = { debounce_text_changes = 50 },
  }
end

local function active_clients(bufnr)
  if vim.lsp.get_clients then
    return vim.lsp.get_clients({ bufnr = bufnr, name = "iml_ls" })
  end
  local found = {}
  for _, client in pairs(vim.lsp.buf_get_clients(bufnr)) do
    if client.name == "iml_ls" then
      table.insert(found, client)
    end
  end
  return found
end

--- Start (or reuse) the server for a buffer. Feature-detected, not version-checked.
function M.start(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local config = client_config(bufnr)
  if vim.lsp.start then -- 0.8 and later reuse a client with the same name and root
    return vim.lsp.start(config, { bufnr = bufnr })
  end
  for _, client in pairs(vim.lsp.get_active_clients()) do
    if client.name == "iml_ls" and client.config.root_dir == config.root_dir then
      vim.lsp.buf_attach_client(bufnr, client.id)
      return client.id
    end
  end
  local id = vim.lsp.start_client(config)
  if id then
    vim.lsp.buf_attach_client(bufnr, id)
  end
  return id
end

local function preview_lines(result)
  local lines = {}
  if result.placeholders and #result.placeholders > 0 then
    table.insert(lines, "Placeholders (not real values): " .. table.concat(result.placeholders, ", "))
  end
  for index, token in ipairs(result.tokens or {}) do
    table.insert(lines, string.format("jwt() #%d (%s)", index, token.algorithm or "?"))
    if token.token ~= nil and token.token ~= vim.NIL then
      table.insert(lines, token.token)
      table.insert(lines, "header:  " .. vim.fn.json_encode(token.header))
      table.insert(lines, "payload: " .. vim.fn.json_encode(token.payload))
      for claim, when in pairs(token.times or {}) do
        table.insert(lines, claim .. ": " .. when)
      end
    else
      table.insert(lines, "Make would fail: " .. tostring(token.error))
    end
  end
  if #lines == 0 then
    lines = { "No jwt() call in this file." }
  end
  return lines
end

--- Run iml.previewToken for the cursor's jwt() call (or the whole file) and show it in a float.
function M.preview_token()
  local bufnr = vim.api.nvim_get_current_buf()
  local client = active_clients(bufnr)[1]
  if client == nil then
    vim.notify("iml-ls is not running for this buffer", vim.log.levels.WARN)
    return
  end
  local params = vim.lsp.util.make_position_params(0, client.offset_encoding)
  local request = {
    command = "iml.previewToken",
    arguments = { params.textDocument.uri, params.position },
  }
  vim.lsp.buf_request(bufnr, "workspace/executeCommand", request, function(err, result)
    if err then
      vim.notify("iml-ls preview failed: " .. tostring(err.message), vim.log.levels.ERROR)
      return
    end
    if result and #(result.tokens or {}) == 0 then
      request.arguments = { params.textDocument.uri }
      vim.lsp.buf_request(bufnr, "workspace/executeCommand", request, function(_, whole)
        vim.lsp.util.open_floating_preview(preview_lines(whole or {}), "markdown", { border = "rounded" })
      end)
      return
    end
    vim.lsp.util.open_floating_preview(preview_lines(result or {}), "markdown", { border = "rounded" })
  end)
end

function M.setup(opts)
  M.config = vim.tbl_deep_extend("force", M.config, opts or {})
  local group = vim.api.nvim_create_augroup("iml_ls", { clear = true })
  vim.api.nvim_create_autocmd({ "BufRead", "BufNewFile" }, {
    group = group,
    pattern = "*.iml.json",
    nested = true, -- so that setting the filetype fires FileType, which starts the server
    callback = function()
      vim.bo.filetype = "imljson"
    end,
  })
  vim.api.nvim_create_autocmd("FileType", {
    group = group,
    pattern = "imljson",
    callback = function(args)
      vim.bo[args.buf].syntax = "json"
      vim.bo[args.buf].commentstring = "// %s"
      M.start(args.buf)
    end,
  })
  vim.api.nvim_create_user_command("ImlPreviewToken", M.preview_token, { desc = "Preview the signed JWT" })
end

return M
