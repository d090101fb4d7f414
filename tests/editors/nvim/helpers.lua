-- What the Neovim harnesses share: `out`, written as JSON to $IML_OUT when the run ends (with every
-- vim.notify message in out.notifications), and the steps a user takes: find the iml_ls client, put the
-- cursor on a text, type keys, read the float an action opens.
local H = { out = { notifications = {}, errors = {} } }

function H.finish(code)
  local file = io.open(os.getenv("IML_OUT"), "w")
  file:write(vim.fn.json_encode(H.out))
  file:close()
  vim.cmd((code == 0) and "qall!" or "cquit! 1")
end

vim.notify = function(message, level)
  table.insert(H.out.notifications, { message = message, level = level })
end

function H.client_for(bufnr)
  local clients = vim.lsp.get_clients and vim.lsp.get_clients({ bufnr = bufnr }) or vim.lsp.buf_get_clients(bufnr)
  for _, client in pairs(clients) do
    if client.name == "iml_ls" then
      return client
    end
  end
end

--- Opens a file and waits until the iml_ls client is attached to it.
function H.edit(path)
  vim.cmd("edit " .. path)
  vim.wait(30000, function() return H.client_for(0) ~= nil end, 50)
  return H.client_for(0)
end

--- The cursor on the first `needle` of the buffer (plus `extra` bytes).
function H.place(needle, extra)
  for number, line in ipairs(vim.api.nvim_buf_get_lines(0, 0, -1, false)) do
    local column = line:find(needle, 1, true)
    if column then
      vim.api.nvim_win_set_cursor(0, { number, column - 1 + (extra or 0) })
      return true
    end
  end
  error("no " .. needle .. " in the buffer")
end

function H.keys(text)
  vim.api.nvim_feedkeys(vim.api.nvim_replace_termcodes(text, true, false, true), "x", false)
end

function H.floats()
  local found = {}
  for _, window in ipairs(vim.api.nvim_list_wins()) do
    if vim.api.nvim_win_get_config(window).relative ~= "" then
      table.insert(found, window)
    end
  end
  return found
end

function H.close_floats()
  for _, window in ipairs(H.floats()) do
    vim.api.nvim_win_close(window, true)
  end
end

--- Lines of the first floating window to open within 20 s (after closing the others), and the window.
function H.float_after(action)
  H.close_floats()
  action()
  local lines = {}
  vim.wait(20000, function()
    local window = H.floats()[1]
    if window then
      lines = vim.api.nvim_buf_get_lines(vim.api.nvim_win_get_buf(window), 0, -1, false)
      return #lines > 0
    end
    return false
  end, 50)
  return lines, H.floats()[1]
end

--- Runs the lens titled `title` on the cursor's line: vim.ui.select, which asks which lens when the line
--- has several, picks it. The float it opens (see float_after) and the titles the user chose from.
function H.run_lens(title)
  local select, choices = vim.ui.select, nil
  vim.ui.select = function(items, options, choose)
    choices = vim.tbl_map(options.format_item, items)
    for _, item in ipairs(items) do
      if options.format_item(item) == title then
        return choose(item)
      end
    end
    choose(nil)
  end
  local ok, lines, window = pcall(H.float_after, function() vim.lsp.codelens.run() end)
  vim.ui.select = select
  assert(ok, lines)
  return lines, choices, window
end

--- Runs `run` once Neovim has started (so `:edit` inside fires BufRead and FileType); an error ends
--- the run with it in out.error.
function H.start(run)
  vim.api.nvim_create_autocmd("VimEnter", {
    nested = true,
    callback = function()
      local ok, message = pcall(run)
      if not ok then
        H.out.error = tostring(message)
        H.finish(1)
      end
    end,
  })
end

return H
