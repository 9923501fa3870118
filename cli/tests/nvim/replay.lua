-- A drafter's session in a headless Neovim (0.7 or later), driven by
-- cli/tests/nvim_replay.rs. It loads the configuration the project ships
-- (editors/nvim), opens a broken file and W1, and records what the editor
-- got from the real `avtal lsp` in a JSON file the test reads:
-- diagnostics (and the float a user opens on them), hover, definition
-- into the stdlib, rename, formatting; and, when the test built the
-- tree-sitter parser, the highlight captures on W1. Every step waits with a timeout;
-- an error is recorded, never left to hang.
--
-- Inputs (environment): AVTAL_BIN, AVTAL_NVIM_PLUGIN, AVTAL_REPLAY_DIR
-- (holds broken.avtal, w1.avtal, messy.avtal), AVTAL_REPLAY_OUT, and
-- AVTAL_TS_PARSER (optional).

local out = {}
local env = vim.env
local timeout = 20000

local function clients(bufnr)
  if vim.lsp.get_clients ~= nil then
    return vim.lsp.get_clients({ bufnr = bufnr })
  end
  return vim.tbl_values(vim.lsp.buf_get_clients(bufnr))
end

local function open(name)
  vim.cmd('edit ' .. vim.fn.fnameescape(env.AVTAL_REPLAY_DIR .. '/' .. name))
  local bufnr = vim.api.nvim_get_current_buf()
  if not vim.wait(timeout, function() return #clients(bufnr) > 0 end, 20) then
    error('no language client attached to ' .. name)
  end
  return bufnr
end

-- Put the cursor on the first `needle` (plus `skip` bytes) of the buffer.
local function cursor_on(needle, skip)
  local lines = vim.api.nvim_buf_get_lines(0, 0, -1, false)
  for row, line in ipairs(lines) do
    local col = line:find(needle, 1, true)
    if col then
      vim.api.nvim_win_set_cursor(0, { row, col - 1 + (skip or 0) })
      return
    end
  end
  error(needle .. ' not found')
end

-- One request at the cursor, answered within the timeout: its result.
local function request(method, extra)
  local params = vim.lsp.util.make_position_params(0, 'utf-16')
  for key, value in pairs(extra or {}) do
    params[key] = value
  end
  local answers, err = vim.lsp.buf_request_sync(0, method, params, timeout)
  if answers == nil then
    error(method .. ': ' .. tostring(err))
  end
  for _, answer in pairs(answers) do
    if answer.error then
      error(method .. ': ' .. vim.inspect(answer.error))
    end
    return answer.result
  end
  error(method .. ': no answer')
end

local function buffer_text(bufnr)
  return table.concat(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false), '\n') .. '\n'
end

local function replay()
  vim.opt.runtimepath:append(env.AVTAL_NVIM_PLUGIN)
  vim.cmd('filetype plugin on')
  local avtal = require('avtal')
  avtal.setup({ cmd = { env.AVTAL_BIN, 'lsp' } })
  out.nvim = tostring(vim.version().major) .. '.' .. tostring(vim.version().minor)
  out.api = avtal.api

  -- A broken file: its diagnostics, and the float that shows them.
  local broken = open('broken.avtal')
  out.filetype = vim.bo[broken].filetype
  out.commentstring = vim.bo[broken].commentstring
  if not vim.wait(timeout, function() return #vim.diagnostic.get(broken) > 0 end, 20) then
    error('no diagnostics for broken.avtal')
  end
  out.diagnostics = {}
  for _, d in ipairs(vim.diagnostic.get(broken)) do
    table.insert(out.diagnostics, { message = d.message, lnum = d.lnum, col = d.col, severity = d.severity })
  end
  local float_buf, float_win = vim.diagnostic.open_float(broken, { scope = 'buffer' })
  out.float = vim.api.nvim_buf_get_lines(float_buf, 0, -1, false)
  vim.api.nvim_win_close(float_win, true)

  -- W1: hover and definition on a stdlib rule.
  local w1 = open('w1.avtal')
  cursor_on('uppsägningstid_månader(', 2)
  local hover = request('textDocument/hover')
  out.hover = hover and hover.contents and hover.contents.value
  local location = request('textDocument/definition')
  if location[1] ~= nil then
    location = location[1]
  end
  out.definition_uri = location.uri
  vim.lsp.util.jump_to_location(location, 'utf-16')
  out.definition_buffer = vim.api.nvim_buf_get_name(0)
  out.definition_word = vim.fn.expand('<cword>')
  out.definition_readonly = vim.bo.readonly
  vim.cmd('buffer ' .. w1)

  -- Hover on a limit's field.
  cursor_on('tak.room', 5)
  local field = request('textDocument/hover')
  out.field_hover = field and field.contents and field.contents.value

  -- Rename a rule everywhere in the buffer.
  out.before_rename = buffer_text(w1)
  cursor_on('rule dagslön', 6)
  local edit = request('textDocument/rename', { newName = 'dagslön_för_utfyllnad' })
  vim.lsp.util.apply_workspace_edit(edit, 'utf-16')
  out.after_rename = buffer_text(w1)

  -- Formatting, as `:lua vim.lsp.buf.format()` (formatting_sync on 0.7).
  local messy = open('messy.avtal')
  if vim.lsp.buf.format ~= nil then
    vim.lsp.buf.format({ bufnr = messy, timeout_ms = timeout })
  else
    vim.lsp.buf.formatting_sync(nil, timeout)
  end
  out.formatted = buffer_text(messy)
end

-- Highlighting without the server: the tree-sitter parser the test built
-- (AVTAL_TS_PARSER) with the plugin's queries/avtal/highlights.scm, on W1.
local function tree_sitter()
  local parser_path = env.AVTAL_TS_PARSER
  if parser_path == nil or parser_path == '' then
    return
  end
  if vim.treesitter.language.add ~= nil then
    vim.treesitter.language.add('avtal', { path = parser_path })
  else
    vim.treesitter.require_language('avtal', parser_path)
  end
  vim.cmd('edit ' .. vim.fn.fnameescape(env.AVTAL_REPLAY_DIR .. '/w1.avtal'))
  local tree = vim.treesitter.get_parser(0, 'avtal'):parse()[1]
  out.ts_has_error = tree:root():has_error()
  local query
  if vim.treesitter.query.get ~= nil then
    query = vim.treesitter.query.get('avtal', 'highlights')
  else
    query = vim.treesitter.get_query('avtal', 'highlights')
  end
  out.ts_captures = {}
  for id in query:iter_captures(tree:root(), 0, 0, -1) do
    local name = query.captures[id]
    out.ts_captures[name] = (out.ts_captures[name] or 0) + 1
  end
end

local ok, err = pcall(function()
  replay()
  tree_sitter()
end)
if not ok then
  out.error = tostring(err)
end
vim.fn.writefile({ vim.fn.json_encode(out) }, env.AVTAL_REPLAY_OUT)
vim.cmd('qa!')
