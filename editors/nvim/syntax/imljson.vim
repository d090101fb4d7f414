" Make custom-app files (*.iml.json): JSON with // and /* */ comments, and IML inside {{ … }} in strings.
" Neovim 0.7 to 0.11 (no Tree-sitter needed); the server's semantic tokens add to it on 0.9 and later.
if exists("b:current_syntax")
  finish
endif

syntax sync minlines=200

" JSON
syntax match imljsonComment "//.*$" contains=@Spell
syntax region imljsonComment start="/\*" end="\*/" contains=@Spell
syntax region imljsonString start=+"+ skip=+\\\\\|\\"+ end=+"+ contains=imljsonEscape,imlTemplate oneline
syntax match imljsonKey +"\%(\\.\|[^"\\]\)*"\ze\s*:+ contains=imljsonEscape
syntax match imljsonEscape "\\[\"\\/bfnrt]" contained
syntax match imljsonEscape "\\u\x\{4}" contained
syntax match imljsonNumber "-\=\<\%(0\|[1-9]\d*\)\%(\.\d\+\)\=\%([eE][-+]\=\d\+\)\=\>"
syntax keyword imljsonBoolean true false
syntax keyword imljsonNull null
syntax match imljsonNoise "[:,]"

" IML inside a string: {{ expression }}
syntax region imlTemplate matchgroup=imlDelimiter start="{{" end="}}" contained oneline keepend
      \ contains=imlFunction,imlVariable,imlString,imlNumber,imlOperator,imlKeyword
syntax match imlFunction "\<\h\w*\ze\s*(" contained
syntax keyword imlVariable parameters common temp data oauth now timestamp body headers statusCode query connection item iterate output pagination webhook payload metadata scenario environment executionId contained
syntax region imlString start=+'+ skip=+\\'+ end=+'+ contained oneline
syntax match imlNumber "\<\d\+\%(\.\d\+\)\=\>" contained
syntax match imlOperator "[-+*/%<>=!&|?]\+" contained
syntax keyword imlKeyword true false null undefined emptystring emptyarray space newline tab nbsp carriagereturn erase ignore pi random uuid contained

highlight default link imljsonComment Comment
highlight default link imljsonString String
highlight default link imljsonKey Label
highlight default link imljsonEscape SpecialChar
highlight default link imljsonNumber Number
highlight default link imljsonBoolean Boolean
highlight default link imljsonNull Constant
highlight default link imljsonNoise Delimiter
highlight default link imlDelimiter PreProc
highlight default link imlTemplate Normal
highlight default link imlFunction Function
highlight default link imlVariable Identifier
highlight default link imlString Character
highlight default link imlNumber Number
highlight default link imlOperator Operator
highlight default link imlKeyword Constant

let b:current_syntax = "imljson"
